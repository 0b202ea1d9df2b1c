// The "AI" workflow generator: a deterministic keyword reading of a prompt into a proposed workflow.
#include "demo/api_support.hpp"
#include "demo/handlers.hpp"

#include <cctype>

namespace mcpedge::demo::detail {

namespace {

struct Proposal {
  json::object workflow;
  json::array recognized;
};

std::size_t find_any(string_view text, const std::vector<string_view>& words, string_view& found) {
  std::size_t best = string_view::npos;
  for (string_view w : words) {
    std::size_t at = text.find(w);
    if (at < best) {
      best = at;
      found = w;
    }
  }
  return best;
}

// Word starting with `mark` (e.g. "#alerts" or an email address around '@'), or empty.
std::string token_with(string_view text, char mark) {
  std::size_t at = text.find(mark);
  if (at == string_view::npos) return {};
  auto is_word = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' || ch == '+';
  };
  std::size_t start = at, end = at + 1;
  if (mark == '@')
    while (start > 0 && is_word(text[start - 1])) --start;
  while (end < text.size() && is_word(text[end])) ++end;
  while (end > at + 1 && text[end - 1] == '.') --end;  // sentence-final period
  if (end == at + 1 || (start == at && mark == '@')) return {};
  return std::string(text.substr(start, end - start));
}

// Deterministic: the same prompt always gives the same proposal.
Proposal propose_workflow(string_view prompt) {
  const std::string text = ascii_lower(prompt);
  json::array recognized, steps;
  string_view word;

  std::string adjective;
  json::object trigger;
  if (find_any(text, {"webhook"}, word) != string_view::npos) {
    trigger = {{"type", "webhook_trigger"}, {"name", "Incoming webhook"}, {"config", json::object()}};
    adjective = "Webhook";
  } else if (find_any(text, {"every day", "daily", "every morning", "each day", "every night", "nightly"}, word) !=
             string_view::npos) {
    trigger = {{"type", "schedule_trigger"},
               {"name", "Every day at 09:00"},
               {"config", {{"cron", "0 9 * * *"}, {"timezone", "UTC"}}}};
    adjective = "Daily";
  } else if (find_any(text, {"every week", "weekly", "every monday"}, word) != string_view::npos) {
    trigger = {{"type", "schedule_trigger"},
               {"name", "Every Monday at 09:00"},
               {"config", {{"cron", "0 9 * * 1"}, {"timezone", "UTC"}}}};
    adjective = "Weekly";
  } else if (find_any(text, {"every hour", "hourly"}, word) != string_view::npos) {
    trigger = {
        {"type", "schedule_trigger"}, {"name", "Every hour"}, {"config", {{"cron", "0 * * * *"}, {"timezone", "UTC"}}}};
    adjective = "Hourly";
  } else {
    word = {};
    trigger = {{"type", "manual_trigger"}, {"name", "Started manually"}, {"config", json::object()}};
  }
  if (!word.empty()) recognized.push_back(json::string(word));
  steps.push_back(std::move(trigger));

  struct Action {
    std::vector<string_view> words;
    string_view type, step_name, label;
  };
  const std::string channel = token_with(prompt, '#');
  const std::string email = token_with(prompt, '@');
  const Action actions[] = {
      {{"email", "e-mail"}, "send_email", "Send email", "email"},
      {{"slack"}, "post_to_slack", channel.empty() ? "Post to Slack" : "", "Slack message"},
      {{"http", " api", "call "}, "http_request", "Call HTTP API", "API call"},
      {{"case", "ticket"}, "create_case", "Open a case", "case"},
      {{" if ", "only when", "condition"}, "condition", "Check condition", "check"},
      {{"wait", "delay"}, "delay", "Wait", "delay"},
      {{"transform", "summar", "format", "enrich"}, "transform", "Transform data", "data transform"},
      {{"update", "crm", "record"}, "update_record", "Update record", "record update"},
  };
  std::vector<std::pair<std::size_t, const Action*>> found;
  for (const Action& a : actions) {
    string_view hit;
    std::size_t at = find_any(" " + text + " ", a.words, hit);
    if (at != string_view::npos) found.emplace_back(at, &a);
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::string labels;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const Action& a = *found[i].second;
    json::object config;
    std::string step_name(a.step_name);
    if (a.type == "send_email") config["to"] = email.empty() ? "{{recipient}}" : email;
    if (a.type == "post_to_slack") {
      config["channel"] = channel.empty() ? "#general" : channel;
      if (step_name.empty()) step_name = "Post to " + channel;
    }
    if (a.type == "delay") config["minutes"] = 15;
    steps.push_back(json::object{{"type", a.type}, {"name", step_name}, {"config", std::move(config)}});
    string_view hit;
    find_any(" " + text + " ", a.words, hit);
    recognized.push_back(json::string(hit));
    labels += i == 0 ? "" : i + 1 == found.size() ? " and " : ", ";
    labels += a.label;
  }
  if (labels.empty()) labels = "workflow";
  std::string name = adjective.empty() ? labels : adjective + " " + labels;
  if (adjective == "Webhook") name = labels + " on webhook";
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  if (name.size() > k_max_name) name.resize(k_max_name);
  std::string description(prompt.substr(0, k_max_description));
  return {json::object{{"name", name}, {"description", description}, {"steps", std::move(steps)}},
          std::move(recognized)};
}

}  // namespace

asio::awaitable<Reply> generate_workflow(Call& c) {
  // Accepts {"prompt": "..."}, a bare JSON string, or plain text.
  const std::string& raw = c.in.request.body();
  std::string prompt;
  boost::system::error_code ec;
  json::value body = json::parse(raw, ec);
  if (ec) {
    prompt = raw;
  } else if (body.is_string()) {
    prompt = std::string(body.as_string());
  } else if (body.is_object()) {
    constexpr std::array<string_view, 1> allowed = {"prompt"};
    if (auto e = unknown_field(body.as_object(), allowed)) co_return reply_error(*e);
    auto p = string_field(body.as_object(), "prompt", 4000, true);
    if (!p) co_return reply_error(p.error());
    prompt = p->value_or("");
  } else {
    co_return reply_error(Status::bad_request, "request body must be {\"prompt\": \"...\"}",
                          "describe the workflow in plain words");
  }
  if (prompt.find_first_not_of(" \t\r\n") == std::string::npos)
    co_return reply_error(Status::bad_request, "prompt is empty",
                          "describe the workflow, e.g. \"send a slack message to #sales every day\"");
  if (prompt.size() > 4000)
    co_return reply_error(Status::bad_request, "prompt is longer than 4000 characters", "describe it more briefly");
  Proposal proposal = propose_workflow(prompt);
  json::array notes;
  if (proposal.workflow["steps"].as_array().size() < 2)
    notes.push_back("no action recognized; mention email, slack, http/api, case/ticket, wait, transform or update");
  if (proposal.workflow["steps"].as_array()[0].as_object()["type"].as_string() == "manual_trigger")
    notes.push_back("no schedule or webhook mentioned, so it starts manually");
  co_return reply_json(Status::ok, json::object{{"proposal", std::move(proposal.workflow)},
                                                {"recognized", std::move(proposal.recognized)},
                                                {"notes", std::move(notes)},
                                                {"next_step",
                                                 "review the proposal, then create it with POST /workflows "
                                                 "(add a folder_id); it starts inactive"}});
}

}  // namespace mcpedge::demo::detail
