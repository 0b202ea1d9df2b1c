// Loading libcurl with dlopen: see libcurl.hpp for why.
#include "http/libcurl.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <dlfcn.h>

namespace mcpedge::http {

Expected<Libcurl, std::string> load_libcurl(const char* soname) {
  void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) return Unexpected{fmt::format("cannot load {}: {}", soname, ::dlerror())};

  Libcurl api{};
  std::string missing;
  auto resolve = [&]<class Function>(Function& slot, const char* name) {
    slot = reinterpret_cast<Function>(::dlsym(library, name));
    if (!slot) missing += missing.empty() ? name : fmt::format(", {}", name);
  };
  resolve(api.global_init, "curl_global_init");
  resolve(api.version_info, "curl_version_info");
  resolve(api.easy_init, "curl_easy_init");
  resolve(api.easy_setopt, "curl_easy_setopt");
  resolve(api.easy_getinfo, "curl_easy_getinfo");
  resolve(api.easy_reset, "curl_easy_reset");
  resolve(api.easy_cleanup, "curl_easy_cleanup");
  resolve(api.easy_strerror, "curl_easy_strerror");
  resolve(api.slist_append, "curl_slist_append");
  resolve(api.slist_free_all, "curl_slist_free_all");
  resolve(api.multi_init, "curl_multi_init");
  resolve(api.multi_setopt, "curl_multi_setopt");
  resolve(api.multi_add_handle, "curl_multi_add_handle");
  resolve(api.multi_remove_handle, "curl_multi_remove_handle");
  resolve(api.multi_socket_action, "curl_multi_socket_action");
  resolve(api.multi_info_read, "curl_multi_info_read");
  resolve(api.multi_cleanup, "curl_multi_cleanup");
  resolve(api.multi_strerror, "curl_multi_strerror");
  if (!missing.empty()) {
    ::dlclose(library);
    return Unexpected{fmt::format("{} lacks {}", soname, missing)};
  }

  const curl_version_info_data* version = api.version_info(CURLVERSION_NOW);
  if (version->version_num < k_libcurl_min_version) {
    std::string found = version->version;
    ::dlclose(library);
    return Unexpected{fmt::format("{} is libcurl {}; mcpedge needs {}.{}.{} or newer", soname, found,
                                  k_libcurl_min_version >> 16, (k_libcurl_min_version >> 8) & 0xff,
                                  k_libcurl_min_version & 0xff)};
  }
  if (CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return Unexpected{fmt::format("curl_global_init failed: {}", api.easy_strerror(code))};
  }
  spdlog::debug("outbound HTTP: loaded libcurl {}", version->version);
  return api;
}

const Expected<Libcurl, std::string>& libcurl() {
  static const Expected<Libcurl, std::string> loaded = [] {
    auto result = load_libcurl(k_libcurl_soname);
    if (!result) spdlog::error("outbound HTTP is unavailable: {}", result.error());
    return result;
  }();
  return loaded;
}

}  // namespace mcpedge::http
