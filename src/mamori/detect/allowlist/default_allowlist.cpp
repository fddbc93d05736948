#include "mamori/detect/allowlist/allowlist.hpp"

namespace mamori::detect {

// A copy of data/allowlist-default.txt, so that the binary needs no data
// directory at run time; allowlist_test checks the two are identical.
std::string_view default_allowlist_text() noexcept {
  return R"ALLOW(# mamori default allow-list: well-known public anycast DNS resolvers.
#
# Findings whose endpoint is one of these addresses on a DNS port are
# suppressed: millions of subscribers query them, so fan-in, long-lived and
# periodic patterns towards them are normal. Only the resolver service ports
# are listed, so anything else seen on these addresses still reports.
# Format: ADDRESS[/LEN]  PORTS|*  REASON   (docs/detectors.md, "Allow-lists").
# 53 = DNS, 853 = DNS over TLS/QUIC, 443 = DNS over HTTPS.

8.8.8.8/32               53,443,853  Google Public DNS (anycast resolver)
8.8.4.4/32               53,443,853  Google Public DNS (anycast resolver)
2001:4860:4860::8888/128 53,443,853  Google Public DNS (anycast resolver)
2001:4860:4860::8844/128 53,443,853  Google Public DNS (anycast resolver)
1.1.1.1/32               53,443,853  Cloudflare DNS (anycast resolver)
1.0.0.1/32               53,443,853  Cloudflare DNS (anycast resolver)
2606:4700:4700::1111/128 53,443,853  Cloudflare DNS (anycast resolver)
2606:4700:4700::1001/128 53,443,853  Cloudflare DNS (anycast resolver)
9.9.9.9/32               53,443,853  Quad9 DNS (anycast resolver)
149.112.112.112/32       53,443,853  Quad9 DNS (anycast resolver)
2620:fe::fe/128          53,443,853  Quad9 DNS (anycast resolver)
2620:fe::9/128           53,443,853  Quad9 DNS (anycast resolver)
)ALLOW";
}

}  // namespace mamori::detect
