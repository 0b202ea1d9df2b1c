// libcurl, loaded the first time mcpedge makes an outbound request instead of at process start.
//
// Debian's libcurl drags in 25 more libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP, ...), and the
// dynamic loader mapping, relocating and initializing them was 12 ms of a 31 ms cold start and 5.8 MB
// of a 17.6 MB idle process (bench/RESULTS.md, 2026-12-03). A server that has made no outbound
// request yet (every start until its first tool call or sign-in) does not need any of it. The first
// request that does pays the load once, on its own loop: about 14 ms on the benchmark machine.
#pragma once

#include "base/expected.hpp"

#include <curl/curl.h>

#include <string>

namespace mcpedge::http {

// The oldest libcurl whose options HttpClient uses (CURLOPT_PROTOCOLS_STR came in 7.85.0).
inline constexpr unsigned k_libcurl_min_version = 0x075500;

// The libcurl functions mcpedge calls, resolved from the loaded library. Each member has the type of
// the function of the same name with the `curl_` prefix dropped (the prefixed names are macros in
// curl's own headers when compiled with gcc).
struct Libcurl {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_version_info) version_info;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_socket_action) multi_socket_action;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_strerror) multi_strerror;
};

// Debian's libcurl4 (OpenSSL flavour); libcurl's ABI has kept this soname since 7.16.
inline constexpr const char* k_libcurl_soname = "libcurl.so.4";

// Loads `soname`, resolves every function of Libcurl and runs curl_global_init. The error says what
// is wrong, e.g. "cannot load libcurl.so.4: libcurl.so.4: cannot open shared object file: No such
// file or directory", "libz.so.1 lacks curl_global_init, ...", or a libcurl that is too old. A
// library that loaded is never unloaded: connections and curl's global state live until exit.
Expected<Libcurl, std::string> load_libcurl(const char* soname);

// k_libcurl_soname, loaded on the first call from any thread (the others wait for it); later calls
// return the same result. A failure is logged once.
const Expected<Libcurl, std::string>& libcurl();

}  // namespace mcpedge::http
