// Result mapping: media types, multipart parts, schema-checked structured content, actionable errors.
#include "tools/result_mapping.hpp"
#include "base/ascii.hpp"

#include "crypto/encoding.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace mcpedge::tools {

namespace json = boost::json;

namespace {

struct MediaType {
  std::string type;  // lower-case "type/subtype"
  std::string boundary;
};

MediaType parse_media_type(std::string_view header) {
  MediaType m;
  auto semi = header.find(';');
  std::string_view essence = header.substr(0, semi);
  while (!essence.empty() && std::isspace(static_cast<unsigned char>(essence.back()))) essence.remove_suffix(1);
  while (!essence.empty() && std::isspace(static_cast<unsigned char>(essence.front()))) essence.remove_prefix(1);
  m.type.assign(essence);
  ascii_lower_in_place(m.type);
  while (semi != std::string_view::npos) {
    auto next = header.find(';', semi + 1);
    std::string_view param =
        header.substr(semi + 1, next == std::string_view::npos ? std::string_view::npos : next - semi - 1);
    while (!param.empty() && param.front() == ' ') param.remove_prefix(1);
    std::string name(param.substr(0, 9));  // RFC 2045 §5.1: parameter names are case-insensitive
    ascii_lower_in_place(name);
    if (param.size() > 9 && name == "boundary=") {
      std::string_view value = param.substr(9);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      m.boundary.assign(value);
    }
    semi = next;
  }
  return m;
}

bool is_json(std::string_view type) {
  return type == "application/json" || (type.size() > 5 && type.substr(type.size() - 5) == "+json");
}

bool is_textual(std::string_view type) {
  return type.starts_with("text/") || is_json(type) || type == "application/xml" || type.ends_with("+xml") ||
         type == "application/javascript" || type == "application/x-www-form-urlencoded" || type == "application/yaml";
}

json::object text_block(std::string text) { return json::object{{"type", "text"}, {"text", std::move(text)}}; }

json::object resource_block(std::string uri, const std::string& type, std::string_view body) {
  json::object resource;
  resource["uri"] = std::move(uri);
  resource["mimeType"] = type.empty() ? "application/octet-stream" : type;
  if (is_textual(type)) {
    resource["text"] = body;
  } else {
    resource["blob"] = crypto::base64_encode(body);
  }
  return json::object{{"type", "resource"}, {"resource", std::move(resource)}};
}

// One content block for one body with its media type (a whole reply or a multipart part).
json::object block_for(const MediaType& m, std::string_view body, std::string_view location,
                       const std::string& fallback_uri, const std::string& forced, Revision revision) {
  if (forced == "text") return text_block(std::string(body));
  if (forced == "resource" || !location.empty()) {
    return resource_block(location.empty() ? fallback_uri : std::string(location), m.type, body);
  }
  if (m.type.starts_with("image/")) {
    return json::object{{"type", "image"}, {"data", crypto::base64_encode(body)}, {"mimeType", m.type}};
  }
  if (m.type.starts_with("audio/") && has_audio(revision)) {
    return json::object{{"type", "audio"}, {"data", crypto::base64_encode(body)}, {"mimeType", m.type}};
  }
  if (m.type.empty() || is_textual(m.type)) return text_block(std::string(body));
  return resource_block(fallback_uri, m.type, body);
}

struct Part {
  std::string content_type;
  std::string content_location;
  std::string_view body;
};

// RFC 2046 §5.1.1 multipart body: parts between "--boundary" lines, headers then a blank line.
std::optional<std::vector<Part>> split_multipart(std::string_view body, const std::string& boundary) {
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  std::vector<Part> parts;
  auto pos = body.find(delimiter);
  if (pos == std::string_view::npos) return std::nullopt;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") break;  // close delimiter
    auto line_end = body.find('\n', pos);
    if (line_end == std::string_view::npos) return std::nullopt;
    auto header_start = line_end + 1;
    std::size_t blank;
    std::size_t body_start;
    if (body.substr(header_start, 2) == "\r\n") {  // no headers (RFC 2046 §5.1.1 allows it)
      blank = header_start;
      body_start = header_start + 2;
    } else if (body.substr(header_start, 1) == "\n") {
      blank = header_start;
      body_start = header_start + 1;
    } else {
      auto crlf = body.find("\r\n\r\n", header_start);
      auto lf = body.find("\n\n", header_start);
      if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::nullopt;
      if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
        blank = crlf;
        body_start = crlf + 4;
      } else {
        blank = lf;
        body_start = lf + 2;
      }
    }
    Part part;
    std::string_view headers = body.substr(header_start, blank - header_start);
    std::size_t h = 0;
    while (h < headers.size()) {
      auto eol = headers.find('\n', h);
      std::string_view line = headers.substr(h, eol == std::string_view::npos ? std::string_view::npos : eol - h);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        ascii_lower_in_place(name);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (name == "content-type") part.content_type = value;
        if (name == "content-location") part.content_location = value;
      }
      if (eol == std::string_view::npos) break;
      h = eol + 1;
    }
    auto next = body.find(delimiter, body_start);
    if (next == std::string_view::npos) return std::nullopt;
    std::size_t end = next;
    if (end >= 2 && body.substr(end - 2, 2) == "\r\n") {
      end -= 2;
    } else if (end >= 1 && body[end - 1] == '\n') {
      end -= 1;
    }
    part.body = body.substr(body_start, end - body_start);
    parts.push_back(std::move(part));
    pos = next;
  }
  return parts;
}

std::string snippet(std::string_view body) {
  constexpr std::size_t k_max = 2000;
  if (body.size() <= k_max) return std::string(body);
  std::string out(body.substr(0, k_max));
  out.append("… (").append(std::to_string(body.size())).append(" bytes in all)");
  return out;
}

std::string status_hint(long status, const http::OutboundResponse& reply) {
  if (status == 400 || status == 422)
    return "Check the arguments against the tool's input schema and the message below.";
  if (status == 401) return "The API rejected the credential: sign in again or check the API key.";
  if (status == 403) return "The credential is valid but lacks permission for this operation.";
  if (status == 404) return "The item does not exist: list the items to find a valid id.";
  if (status == 405) return "The API does not allow this method here: the tool's binding may be outdated.";
  if (status == 409) return "The item's current state does not allow this operation.";
  if (status == 429) {
    auto after = reply.header("retry-after");
    return after.empty() ? std::string("The API is rate limiting: wait and retry.")
                         : "The API is rate limiting: retry after " + std::string(after) + " seconds.";
  }
  if (status >= 500) return "The API failed on its side: retry later; if it persists, the API may be down.";
  if (status >= 300 && status < 400) {
    return "The API redirected to " + std::string(reply.header("location")) +
           ", which is not followed: the tool's base URL may be outdated.";
  }
  return "The API did not accept the call.";
}

}  // namespace

json::object error_result(std::string text) {
  return json::object{{"content", json::array{text_block(std::move(text))}}, {"isError", true}};
}

json::object map_reply(const http::OutboundResponse& reply, const Tool& tool, Revision revision,
                       std::string_view display, std::size_t limit) {
  long status = reply.status;
  if (status < 200 || status >= 300) {
    std::string reason(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status)));
    std::string text = "The API answered " + std::to_string(status) + " " + reason + " to " + std::string(display) +
                       ". " + status_hint(status, reply);
    if (!reply.body.empty()) text += "\n" + snippet(reply.body);
    return error_result(std::move(text));
  }
  MediaType media = parse_media_type(reply.content_type());
  const std::string& forced = tool.config.http.response;
  if (reply.truncated) {
    if (!media.type.empty() && !is_textual(media.type)) {
      return error_result("The API's reply to " + std::string(display) + " is larger than " + std::to_string(limit) +
                          " bytes and binary, so it cannot be shown cut short. Ask for a smaller item.");
    }
    return json::object{{"content", json::array{text_block(reply.body + "\n[truncated: the API's reply exceeded " +
                                                           std::to_string(limit) +
                                                           " bytes; narrow the request with filters or a limit]")}},
                        {"isError", false}};
  }
  if (reply.body.empty() && status == 204) {
    return json::object{
        {"content", json::array{text_block("Done (" + std::string(display) + " answered 204 No Content).")}},
        {"isError", false}};
  }
  json::array content;
  if (media.type.starts_with("multipart/") && forced == "auto") {
    if (auto parts = split_multipart(reply.body, media.boundary)) {
      for (const auto& part : *parts) {
        content.push_back(block_for(parse_media_type(part.content_type), part.body, part.content_location,
                                    reply.effective_url, forced, revision));
      }
      return json::object{{"content", std::move(content)}, {"isError", false}};
    }
    return error_result("The API's multipart reply to " + std::string(display) +
                        " could not be read (no boundary or broken parts).");
  }
  std::string_view location = reply.header("content-location");
  content.push_back(block_for(media, reply.body, location, reply.effective_url, forced, revision));
  json::object result{{"content", std::move(content)}, {"isError", false}};

  if (is_json(media.type) && location.empty() && forced == "auto" && has_structured_content(revision)) {
    boost::system::error_code ec;
    json::value parsed = json::parse(reply.body, ec);
    if (!ec) {
      if (tool.output) {
        auto problems = tool.output->validate(parsed);
        if (!problems.empty()) {
          return error_result("The API's reply to " + std::string(display) +
                              " does not match the tool's output schema: " + problems.front() +
                              ". The API may have changed; the tool table needs updating.");
        }
      }
      if (!parsed.is_object() && !structured_content_any_json(revision))
        parsed = json::object{{"result", std::move(parsed)}};
      result["structuredContent"] = std::move(parsed);
    } else if (tool.output) {
      return error_result("The API's reply to " + std::string(display) + " is not valid JSON (" + ec.message() +
                          ") although the tool promises structured output.");
    }
  }
  return result;
}

json::object map_failure(const http::OutboundError& failure, std::string_view display,
                         std::chrono::milliseconds timeout) {
  std::string text = "Calling the API failed for " + std::string(display) + ": ";
  switch (failure.kind) {
    case http::OutboundErrorKind::timeout:
      text += "no complete answer within " + std::to_string(timeout.count()) +
              " ms. Retry, or narrow the request; if it keeps happening the API is overloaded.";
      break;
    case http::OutboundErrorKind::connect:
    case http::OutboundErrorKind::resolve:
      text +=
          std::string(http::to_string(failure.kind)) + " (" + failure.message +
          "). The API is unreachable from the gateway: retry later, or tell the operator to check upstream.base_url.";
      break;
    case http::OutboundErrorKind::tls:
      text += "TLS failure (" + failure.message + "). The operator should check the API's certificate.";
      break;
    default:
      text += std::string(http::to_string(failure.kind)) + " (" + failure.message + "). Retry later.";
  }
  return error_result(std::move(text));
}

}  // namespace mcpedge::tools
