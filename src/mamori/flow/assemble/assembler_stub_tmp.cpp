#include "mamori/flow/assemble/flow_assembler.hpp"
namespace mamori::flow {
struct FlowAssembler::Impl {
  AnomalyCounters anomalies;
};
FlowAssembler::FlowAssembler(AssemblerOptions) : impl_(std::make_unique<Impl>()) {}
FlowAssembler::FlowAssembler(FlowAssembler&&) noexcept = default;
FlowAssembler& FlowAssembler::operator=(FlowAssembler&&) noexcept = default;
FlowAssembler::~FlowAssembler() = default;
void FlowAssembler::add_frame(LinkType, const CapturedPacket&, std::vector<FlowRecord>&) {}
void FlowAssembler::flush(std::vector<FlowRecord>&) {}
const AnomalyCounters& FlowAssembler::anomalies() const noexcept { return impl_->anomalies; }
AssemblerStats FlowAssembler::stats() const noexcept { return {}; }
}  // namespace mamori::flow
