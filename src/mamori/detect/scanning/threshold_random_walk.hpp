#pragma once
// Threshold Random Walk (Jung, Paxson, Berger, Balakrishnan, "Fast Portscan
// Detection Using Sequential Hypothesis Testing", IEEE S&P 2004). Each first
// contact of a source with a new destination is a Bernoulli trial: a benign
// source succeeds with probability θ0, a scanner with θ1 < θ0. The walk adds
// the log-likelihood ratio of each outcome and decides "scanner" at
// ln η1 = ln(P_D / P_F) or "benign" at ln η0 = ln((1 − P_D) / (1 − P_F)).
#include <cmath>

namespace mamori::detect {

struct TrwParams {
  double theta0 = 0.8;  // P(success | benign)
  double theta1 = 0.2;  // P(success | scanner)
  double p_false = 0.01;   // P_F, tolerated false-positive rate
  double p_detect = 0.99;  // P_D, required detection rate
};

class TrwModel {
 public:
  explicit TrwModel(const TrwParams& p = {})
      : step_success_(std::log(p.theta1 / p.theta0)),
        step_failure_(std::log((1 - p.theta1) / (1 - p.theta0))),
        upper_(std::log(p.p_detect / p.p_false)),
        lower_(std::log((1 - p.p_detect) / (1 - p.p_false))) {}

  double step(bool success) const noexcept { return success ? step_success_ : step_failure_; }
  double upper() const noexcept { return upper_; }  // ln η1: scanner at or above
  double lower() const noexcept { return lower_; }  // ln η0: benign at or below
  // Net failures needed from a fresh walk to reach the scanner decision.
  int failures_to_decide() const noexcept { return static_cast<int>(std::ceil(upper_ / step_failure_)); }

 private:
  double step_success_, step_failure_, upper_, lower_;
};

}  // namespace mamori::detect
