#pragma once
// Options shared by the commands that talk to a hub over its API (`org`,
// `apikey`): --url/MAMORI_URL, --key/MAMORI_KEY, --ca-file, and turning a
// response into output or a clear error.
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "mamori/hub/client/hub_client.hpp"

namespace CLI {
class App;
}

namespace mamori::cli {

void add_client_options(CLI::App& cmd, hub::ClientOptions& options);

// Sends the request; on success returns the parsed JSON body, else reports
// the error (exit code in `exit_code`) and returns nullopt.
std::optional<boost::json::value> call_hub(const hub::ClientOptions& options, std::string_view method,
                                           std::string_view target, std::string_view body, int& exit_code,
                                           const std::vector<std::pair<std::string, std::string>>& headers = {});

// Percent-encodes one path segment or query value.
std::string url_encode(std::string_view text);
// Reads a JSON document from FILE, or stdin for "-".
std::optional<std::string> read_document(const std::string& path, int& exit_code);

}  // namespace mamori::cli
