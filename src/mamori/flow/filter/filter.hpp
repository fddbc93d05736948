#pragma once
// Flow filters in nfdump's syntax (docs/filter-syntax.md), compiled once into
// a tree of typed predicates. Two evaluators share the compiled form: one
// record at a time, and a column-batch one that only loads the columns its
// predicates need and decides whole .mflow blocks from their statistics.
#include <memory>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/flow/filter/selection.hpp"
#include "mamori/flow/flow_record.hpp"
#include "mamori/flow/mflow/column_batch.hpp"

namespace mamori::flow {

namespace filter {
struct Program;
}

class Filter {
 public:
  // An empty expression (or only comments) matches every flow. Syntax errors
  // are Errc::parse_error with "filter: column N: ..." messages.
  static Result<Filter> compile(std::string_view expression);
  // A filter that matches everything.
  Filter();

  bool matches(const FlowRecord& flow) const noexcept;

  // Sets `out` to the rows of `batch` that match. Loads only columns() from
  // the batch, and none at all for predicates its statistics decide.
  Status select(ColumnSource& batch, Selection& out) const;

  // The columns the filter reads (0 for 'any').
  ColumnSet columns() const noexcept;
  bool matches_everything() const noexcept;
  const std::string& expression() const noexcept;
  // The compiled tree, one node per line (for --explain style debugging).
  std::string describe() const;

 private:
  explicit Filter(std::shared_ptr<const filter::Program> program);
  std::shared_ptr<const filter::Program> program_;
};

}  // namespace mamori::flow
