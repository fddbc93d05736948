#include "mamori/ledger/checkpoint.hpp"

#include <gtest/gtest.h>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/note.hpp"
#include "mamori/ledger/cosignature.hpp"

namespace mamori::ledger {
namespace {

using crypto::KeyRole;
using crypto::SigningKey;

SigningKey key_from(std::string name, std::uint8_t fill, KeyRole role = KeyRole::hub) {
  std::array<std::uint8_t, 32> seed;
  seed.fill(fill);
  return std::move(*SigningKey::from_seed(std::move(name), role, seed));
}

Checkpoint sample() {
  Checkpoint cp;
  cp.origin = "hub.mamori.example/log";
  cp.size = 20852163;
  cp.root = hash_leaf(crypto::as_bytes("x"));
  return cp;
}

TEST(Checkpoint, BodyRoundTrip) {
  Checkpoint cp = sample();
  cp.extensions = {"ext one", "ext2"};
  const std::string body = cp.body();
  EXPECT_EQ(body.substr(0, 32), "hub.mamori.example/log\n20852163\n");
  auto back = Checkpoint::parse(body);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->origin, cp.origin);
  EXPECT_EQ(back->size, cp.size);
  EXPECT_EQ(back->root, cp.root);
  EXPECT_EQ(back->extensions, cp.extensions);
}

TEST(Checkpoint, RejectsMalformedBodies) {
  const std::string root = crypto::base64_encode(view(sample().root));
  for (const std::string& bad : std::vector<std::string>{"", "origin\n", "origin\n5\n", "\n5\n" + root + "\n", "o\n05\n" + root + "\n",
                                 "o\n-5\n" + root + "\n", "o\n5x\n" + root + "\n", "o\n99999999999999999999\n" + root + "\n",
                                 "o\n5\nAAAA\n", "o\n5\n" + root, "o\n5\n" + root + "\n\n", "o\n5\n" + root + "\next\n\n",
                                 "o\n5\n" + root + "\x01\n", "o\n5\n!" + root.substr(1) + "\n"}) {
    EXPECT_FALSE(Checkpoint::parse(bad)) << bad;
  }
  EXPECT_TRUE(Checkpoint::parse("o\n0\n" + root + "\n"));
}

TEST(Checkpoint, SignedNoteRoundTripAndTamperingRejected) {
  SigningKey log = key_from("hub.mamori.example/log", 7);
  const auto vkey = log.verifier();
  auto note = sign_checkpoint(sample(), log);
  ASSERT_TRUE(note) << note.error().message;
  EXPECT_NE(note->find("\n\n\xe2\x80\x94 hub.mamori.example/log "), std::string::npos);
  auto opened = open_checkpoint(*note, vkey);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->checkpoint.size, 20852163u);

  // Tampered body (size), tampered signature, other key name, other key.
  std::string body_tampered = *note;
  body_tampered.replace(body_tampered.find("20852163"), 8, "20852164");
  EXPECT_FALSE(open_checkpoint(body_tampered, vkey));

  std::string sig_tampered = *note;
  const auto sig_at = sig_tampered.rfind(' ') + 10;
  sig_tampered[sig_at] = sig_tampered[sig_at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open_checkpoint(sig_tampered, vkey));

  std::string renamed = *note;
  const std::string signer = "\xe2\x80\x94 hub.mamori.example/log";
  renamed.replace(renamed.find(signer), signer.size(), "\xe2\x80\x94 hub.mamori.example/lag");
  auto r = open_checkpoint(renamed, vkey);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("not signed by"), std::string::npos) << r.error().message;

  SigningKey other = key_from("hub.mamori.example/log", 8);
  EXPECT_FALSE(open_checkpoint(*note, other.verifier()));
  // Same key, different name: a different key ID, so the signature is unknown.
  SigningKey same_key_other_name = key_from("other.example/log", 7);
  EXPECT_FALSE(open_checkpoint(*note, same_key_other_name.verifier()));
}

TEST(Checkpoint, NoteParserRejectsMalformedNotes) {
  SigningKey log = key_from("log.example", 3);
  auto good = sign_checkpoint(sample(), log);
  ASSERT_TRUE(good);
  ASSERT_TRUE(crypto::parse_note(*good));
  const std::string text = sample().body();
  for (const std::string& bad : std::vector<std::string>{
           "", text, text + "\n", text + "\n\n", text + "\n- log.example AAAAAAA=\n", text + "\n\xe2\x80\x94 log.example\n",
        text + "\n\xe2\x80\x94 log.example AAAA\n", text + "\n\xe2\x80\x94 log.example !!!!\n",
        text + "\n\xe2\x80\x94 lo+g AAAAAAAA\n", text + "\n\xe2\x80\x94  AAAAAAAA\n",
        good->substr(0, good->size() - 1), "\xff" + *good, "a\rb\n\n" + good->substr(good->find("\xe2\x80\x94"))}) {
    EXPECT_FALSE(crypto::parse_note(bad)) << bad;
  }
}

TEST(Checkpoint, CosignatureRoundTripAndForgeryRejected) {
  SigningKey witness = key_from("overseer.example/witness", 9, KeyRole::overseer);
  const auto wkey = witness.verifier(crypto::kSignatureCosignatureV1);
  const std::string body = sample().body();
  auto c = cosign(body, 1679315147, witness);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(verify_cosignature(body, *c, wkey));
  EXPECT_EQ(cosignature_message(body, 1679315147).substr(0, 31), "cosignature/v1\ntime 1679315147\n");

  // The note signature line carries key ID ‖ timestamp ‖ signature and parses back.
  auto line = crypto::format_signature_line(c->to_note_signature());
  auto note = crypto::parse_note(body + "\n" + line);
  ASSERT_TRUE(note) << note.error().message;
  auto back = Cosignature::from_note_signature(note->signatures[0]);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->timestamp, 1679315147u);
  EXPECT_TRUE(verify_cosignature(body, *back, wkey));

  Cosignature forged = *c;
  forged.timestamp += 1;
  EXPECT_FALSE(verify_cosignature(body, forged, wkey));
  forged = *c;
  forged.signature[5] ^= 1;
  EXPECT_FALSE(verify_cosignature(body, forged, wkey));
  EXPECT_FALSE(verify_cosignature(body + "ext\n", *c, wkey));
  // The Ed25519 note key (type 0x01) is not the cosignature key.
  EXPECT_FALSE(verify_cosignature(body, *c, witness.verifier(crypto::kSignatureEd25519)));
  // A plain note signature cannot be made over a cosignature message.
  EXPECT_FALSE(crypto::sign_note_text(cosignature_message(body, 1), witness));
}

TEST(Checkpoint, VerifierKeyFormat) {
  SigningKey k = key_from("overseer.example/w", 5, KeyRole::overseer);
  for (std::uint8_t type : {crypto::kSignatureEd25519, crypto::kSignatureCosignatureV1}) {
    const std::string text = k.verifier(type).to_string();
    auto parsed = crypto::VerifierKey::parse(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->name, "overseer.example/w");
    EXPECT_EQ(parsed->type, type);
    EXPECT_EQ(parsed->key, k.public_key());
    EXPECT_EQ(parsed->to_string(), text);
  }
  // The example vkey from c2sp.org/signed-note's Go reference implementation.
  auto go = crypto::VerifierKey::parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_TRUE(go) << go.error().message;
  EXPECT_EQ(go->id, 0xc74f20a3u);
  EXPECT_FALSE(crypto::VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(crypto::VerifierKey::parse("PeterNeumann+c74f20a3+AhpcMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(crypto::VerifierKey::parse("PeterNeumann+c74f20a3"));
  EXPECT_FALSE(crypto::VerifierKey::parse("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  EXPECT_FALSE(crypto::VerifierKey::parse("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
}

TEST(Checkpoint, SignerKeyTextRoundTrip) {
  SigningKey k = key_from("hub.example", 11);
  std::string secret = k.private_text();
  ASSERT_EQ(secret.rfind("PRIVATE+KEY+hub.example+", 0), 0u);
  auto back = SigningKey::parse(secret, KeyRole::hub);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->public_key(), k.public_key());
  // Errors never contain the secret.
  std::string broken = secret;
  broken.back() = broken.back() == 'A' ? 'B' : 'A';
  auto err = SigningKey::parse(broken, KeyRole::hub);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message.find(secret.substr(secret.rfind('+') + 1, 20)), std::string::npos);
}

}  // namespace
}  // namespace mamori::ledger
