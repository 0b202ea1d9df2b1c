// The development IdP's HTML: the sign-in form, error and about pages, and the headers every page carries.
#pragma once

#include "http/message.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::demo::detail {

struct SignInForm {
  std::string client_id;
  std::string return_origin;   // where the browser goes afterwards, e.g. "http://127.0.0.1:8080"
  std::string sealed_request;  // the checked /authorize request, carried through the form
  const std::vector<std::pair<std::string, std::string>>* orgs = nullptr;  // (id, name) offered
  std::string name;                                                        // refilled after an error
  std::vector<std::string> checked;                                        // org ids ticked, refilled after an error
  std::string error;                                                       // shown above the form; empty for none
};

std::string sign_in_page(const SignInForm& form);
// A page for an error that cannot go back to the client (RFC 6749 §4.1.2.1: bad client or redirect URI).
std::string error_page(std::string_view title, std::string_view message);
// What this is, at the prefix itself.
std::string about_page(std::string_view issuer);

// An HTML reply with the page headers: CSP allowing forms to post here and to `form_origin` (the
// client's origin, because a 302 after a form post is checked against form-action), no framing,
// no caching.
http::Reply page_reply(http::Status status, std::string html);

}  // namespace mcpedge::demo::detail
