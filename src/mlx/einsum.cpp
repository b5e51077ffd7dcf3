// einsum / einsum_path following MLX's mlx/einsum.cpp (itself after NumPy and opt_einsum):
// parse and expand '...', check shapes, choose a contraction order greedily (more than two
// operands), then contract pair by pair through a batched tensordot (matmul) or, where nothing
// is contracted, multiply-and-sum. Repeated subscripts in one operand take its diagonal.
#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ops.h"
#include "ops_common.h"
#include "ops_contract.h"
#include "ops_index.h"
#include "ops_shape.h"

namespace mlx::core {

namespace {

using detail::shape_str;
using CharSet = std::set<char>;
using DimMap = std::map<char, int64_t>;

struct Term {
  std::string str;
  CharSet set;
  Term() = default;
  explicit Term(std::string s) : str(std::move(s)), set(str.begin(), str.end()) {}
};

struct Step {
  std::vector<Term> inputs;
  Term output;
  std::vector<int> positions;
};

struct Info {
  size_t naive_cost = 0, naive_scaling = 0, opt_cost = 0, opt_scaling = 0;
};

[[noreturn]] void fail(const std::string& fn, const std::string& msg) {
  throw std::invalid_argument("[" + fn + "] " + msg);
}

std::pair<std::vector<std::string>, std::string> parse(std::string sub) {
  sub.erase(std::remove(sub.begin(), sub.end(), ' '), sub.end());
  std::string lhs, rhs;
  if (auto pos = sub.find("->"); pos != std::string::npos) {
    lhs = sub.substr(0, pos);
    rhs = sub.substr(pos + 2);
  } else {
    // Implicit output: an ellipsis first, then the letters seen once, sorted.
    lhs = sub;
    std::map<char, int> counts;
    bool ell = false;
    for (char c : sub) {
      if (c == ',') continue;
      if (c == '.') {
        ell = true;
        continue;
      }
      counts[c]++;
    }
    std::string letters;
    for (auto& [c, n] : counts)
      if (n == 1) letters += c;
    rhs = (ell ? "..." : "") + letters;
  }
  std::vector<std::string> in;
  for (size_t start = 0;;) {
    auto pos = lhs.find(',', start);
    if (pos == std::string::npos) {
      in.push_back(lhs.substr(start));
      break;
    }
    in.push_back(lhs.substr(start, pos - start));
    start = pos + 1;
  }
  return {in, rhs};
}

size_t term_size(const CharSet& t, DimMap& dims) {
  size_t n = 1;
  for (char c : t) n *= size_t(dims[c]);
  return n;
}

size_t flop_count(const CharSet& t, bool inner, int num_terms, DimMap& dims) {
  size_t f = std::max(1, num_terms - 1) + (inner ? 1 : 0);
  return term_size(t, dims) * f;
}

std::pair<size_t, size_t> cost_and_scaling(const std::vector<Term>& inputs, const Term& out,
                                           DimMap& dims) {
  CharSet all;
  for (auto& t : inputs) all.insert(t.set.begin(), t.set.end());
  bool inner = false;
  for (char c : all) inner |= !out.set.count(c);
  return {flop_count(all, inner, int(inputs.size()), dims), all.size()};
}

bool disjoint(const CharSet& a, const CharSet& b) {
  for (char c : a)
    if (b.count(c)) return false;
  return true;
}

// MLX's greedy order: at each step the pair whose contraction removes the most elements (ties:
// the cheaper), skipping outer products while any other pair exists.
std::vector<Step> greedy_path(std::vector<Term> inputs, const Term& output, DimMap& dims,
                              size_t cost_limit, size_t memory_limit, Info& info) {
  struct Cand {
    int64_t removed;
    size_t cost;
    CharSet out;
    int dims, x, y;
  };
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < int(inputs.size()); ++i)
    for (int j = i + 1; j < int(inputs.size()); ++j) pairs.emplace_back(i, j);
  std::vector<Step> path;
  std::vector<Cand> cands;
  size_t cost = 0, scaling = 0;
  size_t n_in = inputs.size();
  for (size_t it = 0; it + 1 < n_in; ++it) {
    auto add = [&](int p1, int p2) {
      CharSet both(inputs[p1].set);
      both.insert(inputs[p2].set.begin(), inputs[p2].set.end());
      CharSet keep;
      for (int i = 0; i < int(inputs.size()); ++i) {
        if (i == p1 || i == p2) continue;
        for (char c : inputs[i].set)
          if (both.count(c)) keep.insert(c);
      }
      for (char c : output.set)
        if (both.count(c)) keep.insert(c);
      size_t new_size = term_size(keep, dims);
      if (new_size > memory_limit) return;
      int64_t removed = int64_t(term_size(inputs[p1].set, dims) +
                                term_size(inputs[p2].set, dims)) - int64_t(new_size);
      size_t c = flop_count(both, both.size() > keep.size(), 2, dims);
      if (cost + c > cost_limit) return;
      cands.push_back({removed, c, std::move(keep), int(both.size()), p1, p2});
    };
    for (auto [p1, p2] : pairs)
      if (!disjoint(inputs[p1].set, inputs[p2].set)) add(p1, p2);
    if (cands.empty())
      for (auto [p1, p2] : pairs) add(p1, p2);
    if (cands.empty()) {
      // Nothing worth contracting pairwise: one naive step over what is left.
      std::vector<int> pos(inputs.size());
      std::iota(pos.begin(), pos.end(), 0);
      auto [c, sc] = cost_and_scaling(inputs, output, dims);
      path.push_back({inputs, output, pos});
      cost += c;
      scaling = std::max(scaling, sc);
      break;
    }
    auto best = *std::min_element(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
      return a.removed > b.removed || (a.removed == b.removed && a.cost < b.cost);
    });
    scaling = std::max(scaling, size_t(best.dims));
    // The intermediate's axes ordered by size (then letter), as MLX sorts by size.
    std::string ostr(best.out.begin(), best.out.end());
    std::stable_sort(ostr.begin(), ostr.end(), [&](char a, char b) { return dims[a] < dims[b]; });
    Term nt(ostr);
    path.push_back({{inputs[best.x], inputs[best.y]}, nt, {best.x, best.y}});
    inputs.erase(inputs.begin() + best.y);
    inputs.erase(inputs.begin() + best.x);
    inputs.push_back(nt);
    std::vector<Cand> kept;
    for (auto& c : cands) {
      if (c.x == best.x || c.x == best.y || c.y == best.x || c.y == best.y) continue;
      c.x -= (c.x > best.x) + (c.x > best.y);
      c.y -= (c.y > best.x) + (c.y > best.y);
      kept.push_back(std::move(c));
    }
    pairs.clear();
    for (int i = 0; i + 1 < int(inputs.size()); ++i) pairs.emplace_back(i, int(inputs.size()) - 1);
    cost += best.cost;
    cands = std::move(kept);
  }
  info.opt_cost = cost;
  info.opt_scaling = scaling;
  return path;
}

std::pair<std::vector<Step>, Info> plan(const std::string& subscripts,
                                        const std::vector<array>& operands,
                                        const std::string& fn) {
  if (operands.empty()) fail(fn, "At least one operand is required.");
  auto [ins, out] = parse(subscripts);
  if (operands.size() != ins.size())
    fail(fn, "Number of operands, " + std::to_string(operands.size()) +
                 ", does not match number of input subscripts, " + std::to_string(ins.size()));
  // Letters for '...' dims: the unused ones, taken from the end of the list.
  CharSet used(subscripts.begin(), subscripts.end());
  std::string spare;
  for (char c = 'a'; c <= 'z'; ++c)
    if (!used.count(c)) spare += c;
  for (char c = 'A'; c <= 'Z'; ++c)
    if (!used.count(c)) spare += c;
  int max_ell = 0;
  auto expand = [&](std::string& sub, const array* opnd, int idx) {
    bool ell = false;
    int before = 0, after = 0;
    for (size_t i = 0; i < sub.size(); ++i) {
      unsigned char ch = static_cast<unsigned char>(sub[i]);
      if (!std::isalpha(ch)) {
        if (i + 2 >= sub.size() || sub[i] != '.' || sub[i + 1] != '.' || sub[i + 2] != '.')
          fail(fn, std::string("Subscripts must be letters, but got '") + sub[i] + "'.");
        if (ell)
          fail(fn, "Only one ellipsis per subscript is allowed but found more in '" + sub + "'.");
        ell = true;
        i += 2;
        continue;
      }
      (ell ? after : before)++;
    }
    if (!ell) return;
    int len;
    if (opnd) {
      len = opnd->ndim() - before - after;
      if (len < 0)
        fail(fn, "Operand " + std::to_string(idx) + " with shape " + shape_str(opnd->shape()) +
                     " has insufficient dimensions for subscript '" + sub +
                     "'. The ellipsis requires at least " + std::to_string(before + after) +
                     " dimensions but the operand has " + std::to_string(opnd->ndim()) +
                     " dimensions.");
      max_ell = std::max(max_ell, len);
    } else {
      len = max_ell;
    }
    if (len > int(spare.size())) fail(fn, "Too many dimensions for the ellipsis.");
    sub.replace(before, 3, spare.substr(spare.size() - len));
  };
  for (size_t i = 0; i < operands.size(); ++i) expand(ins[i], &operands[i], int(i));
  expand(out, nullptr, -1);
  Term output(out);
  if (output.set.size() != out.size()) fail(fn, "Repeat indices not allowed in output.");
  DimMap dims;
  std::vector<Term> inputs;
  for (size_t i = 0; i < ins.size(); ++i) {
    const auto& in = ins[i];
    const array& x = operands[i];
    inputs.emplace_back(in);
    if (int(in.size()) != x.ndim())
      fail(fn, "Invalid number of subscripts " + std::to_string(in.size()) + " for input " +
                   std::to_string(i) + " with " + std::to_string(x.ndim()) + " dimensions.");
    if (inputs.back().set.size() < in.size()) {
      std::map<char, int64_t> local;
      for (size_t j = 0; j < in.size(); ++j) {
        auto [p, fresh] = local.insert({in[j], x.shape(int(j))});
        if (!fresh && p->second != x.shape(int(j)))
          fail(fn, "Dimensions of repeated subscripts do not have the same size (" +
                       std::to_string(p->second) + " != " + std::to_string(x.shape(int(j))) +
                       ").");
      }
    }
    for (size_t j = 0; j < in.size(); ++j) {
      int64_t d = x.shape(int(j));
      auto [p, fresh] = dims.insert({in[j], d});
      if (d != 1 && p->second != 1 && p->second != d)
        fail(fn, "Cannot broadcast dimension " + std::to_string(j) + " of input " +
                     std::to_string(i) + " with shape " + shape_str(x.shape()) + " to size " +
                     std::to_string(p->second) + ".");
      p->second = std::max(p->second, d);
    }
  }
  for (char c : output.set)
    if (!dims.count(c))
      fail(fn, std::string("Output subscript '") + c + "' does not appear in the inputs.");
  size_t max_size = term_size(output.set, dims);
  for (auto& t : inputs) {
    size_t sz = 1;
    for (char c : t.str) sz *= size_t(dims[c]);
    max_size = std::max(max_size, sz);
  }
  Info info;
  std::tie(info.naive_cost, info.naive_scaling) = cost_and_scaling(inputs, output, dims);
  std::vector<Step> path;
  if (inputs.size() <= 2) {
    std::vector<int> pos(inputs.size());
    std::iota(pos.begin(), pos.end(), 0);
    path.push_back({inputs, output, pos});
    info.opt_cost = info.naive_cost;
    info.opt_scaling = info.naive_scaling;
  } else {
    path = greedy_path(inputs, output, dims, info.naive_cost, max_size, info);
    path.back().output = output;
  }
  return {path, info};
}

// The diagonal over repeated letters of one operand: "ii" -> "i", "ijij" -> "ij"; the
// repeated letters come first in the new subscript.
array collapse_repeats(array in, Term& t, Stream s) {
  std::map<char, int> counts;
  for (char c : t.str) counts[c]++;
  std::string rep, rest;
  for (auto& [c, n] : counts)
    if (n > 1) rep += c;
  for (char c : t.str)
    if (counts[c] == 1) rest += c;
  Shape slice_sizes = in.shape();
  std::vector<int> axes;
  std::vector<array> indices;
  int n_expand = int(rep.size());
  for (char c : rep) {
    int n = 0;
    for (int i = 0; i < int(t.str.size()); ++i)
      if (t.str[i] == c) {
        slice_sizes[i] = 1;
        axes.push_back(i);
        n = in.shape(i);
      }
    Shape ishape(n_expand--, 1);
    ishape[0] = n;
    array idx = reshape(arange(0, n, 1, int32, s), ishape, s);
    for (int k = 0; k < counts[c]; ++k) indices.push_back(idx);
  }
  in = gather(in, indices, axes, slice_sizes, s, "einsum");
  int off = indices[0].ndim();
  for (auto& ax : axes) ax += off;
  t = Term(rep + rest);
  return squeeze(in, axes, s);
}

// Collapses repeats and sums the letters that appear in only one term of the step.
void preprocess(std::vector<Term>& inputs, const Term& output, const std::vector<int>& positions,
                std::vector<array>& ops, Stream s) {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].set.size() < inputs[i].str.size())
      ops[positions[i]] = collapse_repeats(ops[positions[i]], inputs[i], s);
  std::map<char, int> counts;
  for (auto& t : inputs)
    for (char c : t.set) counts[c]++;
  for (char c : output.set) counts[c]++;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto& t = inputs[i];
    std::vector<int> ax;
    for (int k = 0; k < int(t.str.size()); ++k)
      if (counts[t.str[k]] == 1) ax.push_back(k);
    if (ax.empty()) continue;
    ops[positions[i]] = sum(ops[positions[i]], ax, false, s);
    std::string kept;
    for (int k = 0; k < int(t.str.size()); ++k)
      if (counts[t.str[k]] != 1) kept += t.str[k];
    t = Term(kept);
  }
}

// A batched matmul: a and b are (batch..., free..., contract...) in their own orders.
array batch_tensordot(array a, array b, const std::vector<int>& a_con,
                      const std::vector<int>& a_bat, const std::vector<int>& a_free,
                      const std::vector<int>& b_con, const std::vector<int>& b_bat,
                      const std::vector<int>& b_free, Stream s) {
  Shape as = a.shape(), bs = b.shape();
  for (size_t i = 0; i < a_con.size(); ++i)
    as[a_con[i]] = bs[b_con[i]] = std::max(a.shape(a_con[i]), b.shape(b_con[i]));
  for (size_t i = 0; i < a_bat.size(); ++i)
    as[a_bat[i]] = bs[b_bat[i]] = std::max(a.shape(a_bat[i]), b.shape(b_bat[i]));
  a = broadcast_to(a, as, s);
  b = broadcast_to(b, bs, s);
  auto tr = [&](const array& x, const std::vector<int>& i, const std::vector<int>& j,
                const std::vector<int>& k) {
    std::vector<int> perm(i);
    perm.insert(perm.end(), j.begin(), j.end());
    perm.insert(perm.end(), k.begin(), k.end());
    int64_t s1 = 1, s2 = 1;
    for (int d : j) s1 *= x.shape(d);
    for (int d : k) s2 *= x.shape(d);
    Shape sh;
    for (int d : i) sh.push_back(x.shape(d));
    sh.push_back(int32_t(s1));
    sh.push_back(int32_t(s2));
    return reshape(transpose(x, perm, s), sh, s);
  };
  Shape out_shape;
  for (int d : a_bat) out_shape.push_back(a.shape(d));
  for (int d : a_free) out_shape.push_back(a.shape(d));
  for (int d : b_free) out_shape.push_back(b.shape(d));
  return reshape(matmul(tr(a, a_bat, a_free, a_con), tr(b, b_bat, b_con, b_free), s), out_shape,
                 s);
}

// Multiply-and-sum over the operands of one step, axes aligned by letter.
array naive(const std::vector<Term>& inputs, const Term& output,
            const std::vector<int>& positions, std::vector<array> ops, Stream s) {
  std::string order;  // the letters in first-seen order
  std::map<char, int> axis_of;
  for (auto& t : inputs)
    for (char c : t.str)
      if (axis_of.insert({c, int(order.size())}).second) order += c;
  int nd = int(order.size());
  array acc = array(0);
  for (size_t i = 0; i < inputs.size(); ++i) {
    array x = ops[positions[i]];
    const auto& t = inputs[i];
    // Axes of x reordered to `order`, with size-1 axes for the letters x lacks.
    std::vector<int> perm;
    for (char c : order) {
      auto p = t.str.find(c);
      if (p != std::string::npos) perm.push_back(int(p));
    }
    x = transpose(x, perm, s);
    Shape sh;
    int k = 0;
    for (char c : order) sh.push_back(t.set.count(c) ? x.shape(k++) : 1);
    x = reshape(x, sh, s);
    acc = i == 0 ? x : multiply(acc, x, s);
  }
  std::vector<int> sum_axes;
  for (int k = 0; k < nd; ++k)
    if (!output.set.count(order[k])) sum_axes.push_back(k);
  if (!sum_axes.empty()) acc = sum(acc, sum_axes, false, s);
  std::string left;
  for (char c : order)
    if (output.set.count(c)) left += c;
  std::vector<int> perm;
  for (char c : output.str) perm.push_back(int(left.find(c)));
  return transpose(acc, perm, s);
}

}  // namespace

std::pair<std::vector<std::vector<int>>, std::string> einsum_path(
    const std::string& subscripts, const std::vector<array>& operands) {
  auto [path, info] = plan(subscripts, operands, "einsum_path");
  std::vector<std::vector<int>> pos;
  for (auto& st : path) pos.push_back(st.positions);
  std::ostringstream os;
  os << "  Complete contraction:  " << subscripts << "\n"
     << "         Naive scaling:  " << info.naive_scaling << "\n"
     << "     Optimized scaling:  " << info.opt_scaling << "\n"
     << "      Naive FLOP count:  " << info.naive_cost << "\n"
     << "  Optimized FLOP count:  " << info.opt_cost << "\n";
  return {pos, os.str()};
}

array einsum(const std::string& subscripts, const std::vector<array>& operands,
             StreamOrDevice sd) {
  auto [path, info] = plan(subscripts, operands, "einsum");
  Stream s = to_stream(sd);
  std::vector<array> ops = operands;
  for (auto& st : path) {
    preprocess(st.inputs, st.output, st.positions, ops, s);
    bool dot = false;
    if (st.inputs.size() == 2) {
      for (char c : st.inputs[0].set) dot |= !st.output.set.count(c);
      // matmul takes inexact types only; other dtypes multiply and sum.
      dot = dot && is_inexact(promote_types(ops[st.positions[0]].dtype(),
                                            ops[st.positions[1]].dtype()));
    }
    if (dot) {
      const Term &ta = st.inputs[0], &tb = st.inputs[1];
      std::vector<int> a_con, a_bat, a_free, b_con, b_bat, b_free;
      for (int i = 0; i < int(ta.str.size()); ++i) {
        char c = ta.str[i];
        if (!st.output.set.count(c)) a_con.push_back(i);
        else if (tb.set.count(c)) a_bat.push_back(i);
        else a_free.push_back(i);
      }
      for (int i : a_con) b_con.push_back(int(tb.str.find(ta.str[i])));
      for (int i : a_bat) b_bat.push_back(int(tb.str.find(ta.str[i])));
      for (int i = 0; i < int(tb.str.size()); ++i) {
        char c = tb.str[i];
        if (st.output.set.count(c) && !ta.set.count(c)) b_free.push_back(i);
      }
      std::string letters;
      for (int i : a_bat) letters += ta.str[i];
      for (int i : a_free) letters += ta.str[i];
      for (int i : b_free) letters += tb.str[i];
      array r = batch_tensordot(ops[st.positions[0]], ops[st.positions[1]], a_con, a_bat, a_free,
                                b_con, b_bat, b_free, s);
      std::vector<int> perm;
      for (char c : st.output.str) perm.push_back(int(letters.find(c)));
      ops.push_back(transpose(r, perm, s));
    } else {
      ops.push_back(naive(st.inputs, st.output, st.positions, ops, s));
    }
    for (auto it = st.positions.rbegin(); it != st.positions.rend(); ++it)
      ops.erase(ops.begin() + *it);
  }
  return ops.front();
}

}  // namespace mlx::core
