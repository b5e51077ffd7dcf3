// A small strict JSON reader and string writer for safetensors headers (RFC 8259). Written
// here rather than taken from a library: the header needs objects, arrays, strings and
// integers only, and the engine stays usable (and testable) without the JS side.
#include <unordered_set>

#include "mlx/io/io_impl.h"

namespace mlx::core::io {

namespace {

constexpr int kMaxDepth = 64;
// A bound on the parsed tree (~100 bytes a value): a safetensors header has ~10 per tensor.
constexpr size_t kMaxValues = size_t(1) << 21;

class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  Json document() {
    ws();
    Json v = value(0);
    ws();
    if (i_ != t_.size()) error("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    fail("Invalid JSON in the header at byte " + std::to_string(i_) + ": " + what + ".");
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect_word(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) error("unknown literal");
    i_ += w.size();
  }

  Json value(int depth) {
    if (depth > kMaxDepth) error("nested too deeply");
    if (++values_ > kMaxValues) error("more than " + std::to_string(kMaxValues) + " values");
    if (i_ >= t_.size()) error("unexpected end");
    Json v;
    char c = t_[i_];
    if (c == '{') {
      v.kind = Json::Kind::object;
      ++i_;
      ws();
      if (eat('}')) return v;
      std::unordered_set<std::string> seen;
      while (true) {
        ws();
        if (i_ >= t_.size() || t_[i_] != '"') error("expected a string key");
        std::string key = string();
        if (!seen.insert(key).second) error("duplicate key '" + key + "'");
        ws();
        if (!eat(':')) error("expected ':'");
        ws();
        v.members.emplace_back(std::move(key), value(depth + 1));
        ws();
        if (eat('}')) return v;
        if (!eat(',')) error("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = Json::Kind::array;
      ++i_;
      ws();
      if (eat(']')) return v;
      while (true) {
        ws();
        v.items.push_back(value(depth + 1));
        ws();
        if (eat(']')) return v;
        if (!eat(',')) error("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::Kind::string;
      v.s = string();
      return v;
    }
    if (c == 't') {
      expect_word("true");
      v.kind = Json::Kind::boolean;
      v.b = true;
      return v;
    }
    if (c == 'f') {
      expect_word("false");
      v.kind = Json::Kind::boolean;
      return v;
    }
    if (c == 'n') {
      expect_word("null");
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Json::Kind::number;
      v.s = number();
      return v;
    }
    error("unexpected character");
  }

  std::string number() {
    size_t st = i_;
    auto digits = [&]() {
      size_t d = i_;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
      if (i_ == d) error("malformed number");
    };
    eat('-');
    if (eat('0')) {
      if (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') error("leading zero in a number");
    } else {
      digits();
    }
    if (eat('.')) digits();
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (!eat('+')) eat('-');
      digits();
    }
    return std::string(t_.substr(st, i_ - st));
  }

  unsigned hex4() {
    if (t_.size() - i_ < 4) error("truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else error("bad \\u escape");
    }
    return v;
  }

  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  // Length of the valid UTF-8 sequence at i_ (0 if invalid): no overlongs, no surrogates.
  size_t utf8_len() const {
    auto b = [&](size_t k) { return uint8_t(t_[i_ + k]); };
    uint8_t c = b(0);
    size_t left = t_.size() - i_;
    auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
      if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
      if (c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
      return 4;
    }
    return 0;
  }

  std::string string() {
    ++i_;  // the opening quote
    std::string out;
    while (true) {
      if (i_ >= t_.size()) error("unterminated string");
      uint8_t c = uint8_t(t_[i_]);
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c < 0x20) error("control character in a string");
      if (c == '\\') {
        ++i_;
        if (i_ >= t_.size()) error("unterminated string");
        char e = t_[i_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            uint32_t cp = hex4();
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (!(eat('\\') && eat('u'))) error("unpaired surrogate");
              uint32_t lo = hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) error("unpaired surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              error("unpaired surrogate");
            }
            utf8(out, cp);
            break;
          }
          default: error("bad escape");
        }
        continue;
      }
      if (c < 0x80) {
        out += char(c);
        ++i_;
        continue;
      }
      size_t n = utf8_len();
      if (n == 0) error("invalid UTF-8");
      out.append(t_.substr(i_, n));
      i_ += n;
    }
  }

  std::string_view t_;
  size_t i_ = 0;
  size_t values_ = 0;
};

}  // namespace

Json parse_json(std::string_view text) { return Parser(text).document(); }

std::string json_quote(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char ch : s) {
    uint8_t c = uint8_t(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace mlx::core::io
