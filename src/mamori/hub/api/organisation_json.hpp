#pragma once
// The JSON form of an organisation and its OpenAPI schemas.
#include <string>
#include <string_view>

#include "mamori/store/records.hpp"

namespace mamori::hub {

std::string organisation_to_json(const store::Organisation& org);
std::string_view organisation_schema() noexcept;
std::string_view organisation_input_schema() noexcept;
std::string_view organisation_patch_schema() noexcept;

}  // namespace mamori::hub
