// compile: trace once per input signature, simplify, fuse elementwise chains, replay.
//
// A call looks its signature up (function id, the binding's constants key, input dtypes and
// shapes, or ranks when shapeless) in the cache. On a miss the function runs once on
// placeholder inputs and the graph it builds becomes a Program: numbered values (inputs,
// constants, node outputs) and steps (a primitive and the values it reads). Building it
//   - turns what does not depend on the inputs into constants (computed once, then reused),
//   - merges common subexpressions (same primitive, parameters and inputs) and equal scalars,
//   - fuses each maximal group of same-shape elementwise nodes whose intermediates are used
//     only inside the group into one Compiled node (compile.h).
// A replay builds one new node per step around the new inputs; nothing runs until eval.
#include "compile.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>

#include "ops_common.h"
#include "primitives.h"

namespace mlx::core {

namespace {

std::atomic<int> g_mode{-1};  // -1: not read yet, 0: disabled, 1: enabled

int mode() {
  int m = g_mode.load(std::memory_order_relaxed);
  if (m < 0) {
    m = std::getenv("MLX_DISABLE_COMPILE") ? 0 : 1;
    int expected = -1;
    g_mode.compare_exchange_strong(expected, m);
    m = g_mode.load();
  }
  return m;
}

struct Step {
  std::shared_ptr<Primitive> prim;
  std::vector<int> in;
  std::vector<int> out;
  std::vector<Shape> shapes;
  std::vector<Dtype> dtypes;
  bool broadcast = false;   // a Broadcast: shapeless replays take the shape of its consumer,
  std::vector<int> parts;   // the broadcast of these values' shapes (empty: keep the target)
  bool elementwise = false;  // one-shape operands (not a fused Compiled step)
  // A Reshape that only adds or drops size-1 dims (squeeze, expand_dims, keepdims=false):
  // per output dim the input dim it keeps, or -1 for a new 1. Empty: a general reshape.
  std::vector<int> squeeze_map;
};

struct Program {
  int n_inputs = 0;
  std::vector<array> constants;
  std::vector<int> const_vals;  // the value each constant fills
  std::vector<Step> steps;
  std::vector<int> outputs;
  int n_values = 0;
};

struct Entry {
  uint64_t id;
  std::string constants;
  std::vector<Dtype> dtypes;
  std::vector<Shape> shapes;
  Program prog;
};

std::mutex g_mu;
std::unordered_map<std::uintptr_t, std::vector<Entry>> g_cache;
uint64_t g_next_entry = 1;

bool signature_matches(const Entry& e, bool shapeless, const std::string& constants,
                       const std::vector<array>& inputs) {
  if (e.constants != constants || e.dtypes.size() != inputs.size()) return false;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (e.dtypes[i] != inputs[i].dtype()) return false;
    if (shapeless ? int(e.shapes[i].size()) != inputs[i].ndim() : e.shapes[i] != inputs[i].shape())
      return false;
  }
  return true;
}

// ---- building the program ------------------------------------------------------------------

bool is_elementwise(const Primitive& p) {
  auto& t = typeid(p);
  return t == typeid(Unary) || t == typeid(Binary) || t == typeid(Compare) || t == typeid(Select) ||
         t == typeid(AsType) || t == typeid(Copy) || t == typeid(StopGradient);
}
bool is_broadcast(const Primitive& p) { return typeid(p) == typeid(Broadcast); }

// The traced graph as numbered values and nodes.
struct Graph {
  struct Node {
    std::shared_ptr<Primitive> prim;
    std::vector<int> in;
    std::vector<int> out;
  };
  struct Val {
    Shape shape;
    Dtype dtype;
    int node = -1;  // producer; -1 for inputs and constants
  };
  std::vector<Val> vals;
  std::vector<Node> nodes;
  std::vector<array> constants;
  std::vector<int> const_vals;  // the value of each constant
  int n_inputs = 0;
  std::vector<int> outputs;
};

Graph build_graph(const std::vector<array>& s_inputs, const std::vector<array>& s_outputs) {
  Graph g;
  g.n_inputs = int(s_inputs.size());
  std::unordered_map<std::uintptr_t, int> vid;
  std::unordered_set<std::uintptr_t> seen;
  for (auto& in : s_inputs) {
    vid.emplace(in.id(), int(g.vals.size()));
    g.vals.push_back({in.shape(), in.dtype(), -1});
    seen.insert(in.id());
  }
  std::vector<char> dep(g.vals.size(), 1);  // per value: depends on an input
  auto add_constant = [&](const array& a) {
    int v = int(g.vals.size());
    vid.emplace(a.id(), v);
    g.vals.push_back({a.shape(), a.dtype(), -1});
    g.constants.push_back(a);
    g.const_vals.push_back(v);
    dep.push_back(0);
    return v;
  };
  detail::topo_walk(s_outputs, seen, [&](const array& a) {
    bool d = false;
    if (a.has_primitive())
      for (auto& in : a.inputs()) {
        auto it = vid.find(in.id());
        d = d || (it != vid.end() && dep[it->second]);
      }
    // A broadcast stays a node (a view, fused as a strided read) so that shapeless replays
    // can broadcast its source to new shapes.
    bool view = a.has_primitive() && typeid(a.primitive()) == typeid(Broadcast);
    if (!d && !view) {  // no input below it: a constant (computed at most once, then reused)
      for (auto& o : a.outputs()) add_constant(o);
      return;
    }
    Graph::Node n;
    n.prim = a.primitive_ptr();
    for (auto& in : a.inputs()) n.in.push_back(vid.at(in.id()));
    int ni = int(g.nodes.size());
    for (auto& o : a.outputs()) {
      int v = int(g.vals.size());
      vid.emplace(o.id(), v);
      g.vals.push_back({o.shape(), o.dtype(), ni});
      dep.push_back(d);
      n.out.push_back(v);
    }
    g.nodes.push_back(std::move(n));
  });
  for (auto& o : s_outputs) {
    auto it = vid.find(o.id());
    g.outputs.push_back(it != vid.end() ? it->second : add_constant(o));
  }
  return g;
}

// Bytes of a scalar constant, for merging equal ones.
bool scalar_bytes(const array& a, std::string& key) {
  if (a.has_primitive() || !a.is_available() || a.size() != 1 || a.data_size() != 1) return false;
  key.assign(a.data<char>(), a.itemsize());
  key += char(a.dtype().index());
  key += char(a.ndim());
  return true;
}

// Merges equal scalar constants and nodes computing the same thing from the same values.
void simplify(Graph& g) {
  std::vector<int> repl(g.vals.size());
  for (size_t i = 0; i < repl.size(); ++i) repl[i] = int(i);
  std::unordered_map<std::string, int> scalars;
  for (size_t c = 0; c < g.constants.size(); ++c) {
    std::string key;
    if (!scalar_bytes(g.constants[c], key)) continue;
    int v = g.const_vals[c];
    auto [it, fresh] = scalars.emplace(key, v);
    if (!fresh && g.vals[it->second].shape == g.vals[v].shape) repl[v] = it->second;
  }
  std::unordered_map<std::string, std::vector<int>> seen;  // signature -> nodes
  std::vector<char> dead(g.nodes.size(), 0);
  for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
    auto& n = g.nodes[ni];
    for (auto& v : n.in) v = repl[v];
    std::ostringstream sig;
    sig << typeid(*n.prim).name() << ':';
    for (int v : n.in) sig << v << ',';
    for (int v : n.out) sig << '|' << detail::shape_str(g.vals[v].shape) << int(g.vals[v].dtype.index());
    auto& cands = seen[sig.str()];
    bool merged = false;
    for (int other : cands) {
      if (g.nodes[other].prim->is_equivalent(*n.prim)) {
        for (size_t k = 0; k < n.out.size(); ++k) repl[n.out[k]] = g.nodes[other].out[k];
        dead[ni] = 1;
        merged = true;
        break;
      }
    }
    if (!merged) cands.push_back(int(ni));
  }
  for (auto& o : g.outputs) o = repl[o];
  if (std::find(dead.begin(), dead.end(), 1) == dead.end()) return;
  std::vector<Graph::Node> kept;
  for (size_t ni = 0; ni < g.nodes.size(); ++ni)
    if (!dead[ni]) kept.push_back(std::move(g.nodes[ni]));
  g.nodes = std::move(kept);
  for (size_t ni = 0; ni < g.nodes.size(); ++ni)
    for (int v : g.nodes[ni].out) g.vals[v].node = int(ni);
}

// A fused group: its members (node indices, ascending) and its external inputs.
struct Group {
  std::vector<int> members;
  int root;
};

// Turns the group into a Compiled step (inputs: external values; output: the root's value).
Step fuse_group(const Graph& g, const Group& grp, Stream s) {
  std::unordered_map<int, int> node_of_val;  // value -> FusedNode index (or input ref)
  std::vector<int> inputs;
  std::vector<FusedNode> nodes;
  auto input_ref = [&](int v) {
    for (size_t k = 0; k < inputs.size(); ++k)
      if (inputs[k] == v) return -1 - int(k);
    inputs.push_back(v);
    return -1 - int(inputs.size() - 1);
  };
  auto ref = [&](int v) {
    auto it = node_of_val.find(v);
    return it != node_of_val.end() ? it->second : input_ref(v);
  };
  for (int ni : grp.members) {
    const auto& n = g.nodes[ni];
    const Primitive& p = *n.prim;
    int outv = n.out[0];
    auto& t = typeid(p);
    if (t == typeid(Broadcast)) {  // a load with broadcast strides
      node_of_val[outv] = input_ref(n.in[0]);
      continue;
    }
    if (t == typeid(Copy) || t == typeid(StopGradient)) {
      node_of_val[outv] = ref(n.in[0]);
      continue;
    }
    FusedNode f;
    f.out_dtype = g.vals[outv].dtype;
    f.in_dtype = g.vals[n.in.back()].dtype;
    if (t == typeid(Unary)) {
      f.kind = FusedNode::Kind::unary;
      f.op = uint8_t(static_cast<const Unary&>(p).op());
    } else if (t == typeid(Binary)) {
      f.kind = FusedNode::Kind::binary;
      f.op = uint8_t(static_cast<const Binary&>(p).op());
    } else if (t == typeid(Compare)) {
      f.kind = FusedNode::Kind::compare;
      f.op = uint8_t(static_cast<const Compare&>(p).op());
    } else if (t == typeid(Select)) {
      f.kind = FusedNode::Kind::select;
    } else {
      f.kind = FusedNode::Kind::convert;
    }
    for (size_t k = 0; k < n.in.size(); ++k) f.args[k] = ref(n.in[k]);
    node_of_val[outv] = int(nodes.size());
    nodes.push_back(f);
  }
  Step st;
  int root_val = g.nodes[grp.root].out[0];
  st.prim = std::make_shared<Compiled>(s, std::move(nodes), std::vector<int>{node_of_val.at(root_val)});
  st.in = inputs;
  st.out = {root_val};
  st.shapes = {g.vals[root_val].shape};
  st.dtypes = {g.vals[root_val].dtype};
  return st;
}

// Drops nodes whose outputs nothing reads.
void prune(Graph& g) {
  std::vector<char> live(g.vals.size(), 0);
  for (int o : g.outputs) live[o] = 1;
  std::vector<char> keep(g.nodes.size(), 0);
  for (int ni = int(g.nodes.size()) - 1; ni >= 0; --ni) {
    for (int v : g.nodes[ni].out) keep[ni] = keep[ni] || live[v];
    if (keep[ni])
      for (int v : g.nodes[ni].in) live[v] = 1;
  }
  std::vector<Graph::Node> kept;
  for (size_t ni = 0; ni < g.nodes.size(); ++ni)
    if (keep[ni]) kept.push_back(std::move(g.nodes[ni]));
  g.nodes = std::move(kept);
  for (size_t ni = 0; ni < g.nodes.size(); ++ni)
    for (int v : g.nodes[ni].out) g.vals[v].node = int(ni);
}

Program make_program(Graph& g) {
  simplify(g);
  prune(g);
  // Uses of each value (graph outputs count as uses from outside).
  std::vector<int> uses(g.vals.size(), 0);
  for (auto& n : g.nodes)
    for (int v : n.in) uses[v]++;
  for (int o : g.outputs) uses[o] += 1 << 20;

  std::vector<int> group_of(g.nodes.size(), -1);
  std::vector<Group> groups;
  auto fusable = [&](int ni) {
    const auto& n = g.nodes[ni];
    return n.out.size() == 1 && (is_elementwise(*n.prim) || is_broadcast(*n.prim));
  };
  for (int r = int(g.nodes.size()) - 1; r >= 0; --r) {
    if (group_of[r] >= 0 || !fusable(r) || is_broadcast(*g.nodes[r].prim)) continue;
    const Shape& shape = g.vals[g.nodes[r].out[0]].shape;
    Group grp;
    grp.root = r;
    std::vector<int> members{r};
    std::unordered_map<int, int> inside_uses;  // value -> uses by members
    std::priority_queue<int> cand;
    auto take = [&](int ni) {
      for (int v : g.nodes[ni].in) {
        inside_uses[v]++;
        if (g.vals[v].node >= 0) cand.push(g.vals[v].node);
      }
    };
    group_of[r] = int(groups.size());
    take(r);
    while (!cand.empty()) {
      int ni = cand.top();
      cand.pop();
      if (group_of[ni] >= 0 || !fusable(ni)) continue;
      int v = g.nodes[ni].out[0];
      if (g.vals[v].shape != shape || inside_uses[v] != uses[v]) continue;
      group_of[ni] = int(groups.size());
      members.push_back(ni);
      if (!is_broadcast(*g.nodes[ni].prim)) take(ni);
    }
    int compute = 0;
    for (int m : members) compute += typeid(*g.nodes[m].prim) == typeid(Unary) ||
                                     typeid(*g.nodes[m].prim) == typeid(Binary) ||
                                     typeid(*g.nodes[m].prim) == typeid(Compare) ||
                                     typeid(*g.nodes[m].prim) == typeid(Select) ||
                                     typeid(*g.nodes[m].prim) == typeid(AsType);
    if (compute < 2) {  // nothing to gain: leave the nodes as they are
      for (int m : members) group_of[m] = m == r ? -2 : -1;
      continue;
    }
    std::sort(members.begin(), members.end());
    grp.members = std::move(members);
    groups.push_back(std::move(grp));
  }

  Program prog;
  prog.n_inputs = g.n_inputs;
  prog.constants = g.constants;
  prog.const_vals = g.const_vals;
  prog.outputs = g.outputs;
  prog.n_values = int(g.vals.size());
  std::vector<int> step_of_val(g.vals.size(), -1);
  for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
    int gi = group_of[ni];
    if (gi >= 0) {
      if (groups[gi].root != int(ni)) continue;
      prog.steps.push_back(fuse_group(g, groups[gi], g.nodes[ni].prim->stream()));
    } else {
      const auto& n = g.nodes[ni];
      Step st;
      st.prim = n.prim;
      st.in = n.in;
      st.out = n.out;
      for (int v : n.out) {
        st.shapes.push_back(g.vals[v].shape);
        st.dtypes.push_back(g.vals[v].dtype);
      }
      st.broadcast = is_broadcast(*n.prim);
      st.elementwise = is_elementwise(*n.prim) || typeid(*n.prim) == typeid(DivMod);
      if (auto* r = dynamic_cast<const Reshape*>(n.prim.get()); r && !detail::infers_dim(*r))
        st.squeeze_map = detail::squeeze_map(g.vals[n.in[0]].shape, st.shapes[0]);
      prog.steps.push_back(std::move(st));
    }
    for (int v : prog.steps.back().out) step_of_val[v] = int(prog.steps.size()) - 1;
  }
  // Shapeless replays: a Broadcast takes the shape its (first) elementwise consumer computes
  // in, the broadcast of that consumer's operands before their own broadcasts.
  for (size_t si = 0; si < prog.steps.size(); ++si) {
    auto& st = prog.steps[si];
    if (st.broadcast) continue;
    if (!is_elementwise(*st.prim) && typeid(*st.prim) != typeid(Compiled)) continue;
    std::vector<int> parts;
    for (int v : st.in) {
      int p = step_of_val[v];
      parts.push_back(p >= 0 && prog.steps[p].broadcast ? prog.steps[p].in[0] : v);
    }
    for (int v : st.in) {
      int p = step_of_val[v];
      if (p >= 0 && prog.steps[p].broadcast && prog.steps[p].parts.empty()) prog.steps[p].parts = parts;
    }
  }
  return prog;
}

// ---- replay --------------------------------------------------------------------------------

std::vector<array> replay(const Program& prog, const std::vector<array>& inputs, bool reshape) {
  std::vector<array> vals(size_t(prog.n_values), array::empty());
  for (int i = 0; i < prog.n_inputs; ++i) vals[i] = inputs[i];
  for (size_t c = 0; c < prog.constants.size(); ++c) vals[prog.const_vals[c]] = prog.constants[c];
  for (const Step& st : prog.steps) {
    std::vector<array> in;
    in.reserve(st.in.size());
    for (int v : st.in) in.push_back(vals[v]);
    std::vector<Shape> shapes;
    if (!reshape) {
      shapes = st.shapes;
    } else {
      std::vector<Shape> parts;
      for (int v : st.parts) parts.push_back(vals[v].shape());
      shapes = detail::shapeless_shapes("compile", *st.prim, in, st.broadcast, parts, st.shapes[0],
                                        st.squeeze_map, st.elementwise);
    }
    if (st.out.size() == 1) {
      vals[st.out[0]] = array(std::move(shapes[0]), st.dtypes[0], st.prim, std::move(in));
    } else {
      auto outs = array::make_arrays(std::move(shapes), st.dtypes, st.prim, std::move(in));
      for (size_t k = 0; k < outs.size(); ++k) vals[st.out[k]] = std::move(outs[k]);
    }
  }
  std::vector<array> out;
  out.reserve(prog.outputs.size());
  for (int v : prog.outputs) out.push_back(vals[v]);
  return out;
}

}  // namespace

void disable_compile() { g_mode.store(0); }
void enable_compile() { g_mode.store(1); }
bool compile_enabled() { return mode() == 1; }

namespace detail {

std::vector<Shape> shapeless_shapes(const char* op, Primitive& prim, std::vector<array>& in,
                                    bool broadcast, const std::vector<Shape>& part_shapes,
                                    const Shape& traced_shape,
                                    const std::vector<int>& squeeze_map, bool elementwise) {
  if (broadcast) {
    Shape sh = in[0].shape();
    if (part_shapes.empty()) sh = broadcast_shapes(sh, traced_shape);
    for (auto& p : part_shapes) sh = broadcast_shapes(sh, p);
    return {sh};
  }
  if (!squeeze_map.empty()) {
    Shape sh;
    for (int d : squeeze_map)
      if (d != -2) sh.push_back(d >= 0 ? in[0].shape(d) : 1);
    if (shape_size(sh) != in[0].size())
      throw std::invalid_argument(std::string("[") + op +
                                  "] A reshape cannot follow the new input shapes (shapeless).");
    return {sh};
  }
  // Elementwise primitives expect operands of one shape: broadcast them to it.
  if (elementwise && in.size() > 1) {
    Shape sh = in[0].shape();
    for (size_t k = 1; k < in.size(); ++k) sh = broadcast_shapes(sh, in[k].shape());
    for (auto& a : in)
      if (a.shape() != sh) a = broadcast_to(a, sh, prim.stream());
  }
  return prim.output_shapes(in);
}

bool infers_dim(const Reshape& r) {
  return std::find(r.shape().begin(), r.shape().end(), -1) != r.shape().end();
}

// The dim map of a reshape from `in` to `out` when it only adds or removes size-1 dims.
std::vector<int> squeeze_map(const Shape& in, const Shape& out) {
  std::vector<int> m;
  size_t i = 0, j = 0;
  while (j < out.size()) {
    if (i < in.size() && in[i] == out[j]) {
      m.push_back(int(i++));
      ++j;
    } else if (out[j] == 1) {
      m.push_back(-1);
      ++j;
    } else if (i < in.size() && in[i] == 1) {
      ++i;
    } else {
      return {};
    }
  }
  while (i < in.size() && in[i] == 1) ++i;
  if (i != in.size()) return {};
  if (m.empty()) m.push_back(-2);  // to a scalar: a valid (empty) map
  return m;
}

CompileResult compile_call(const VecFn& fun, std::uintptr_t fun_id, bool shapeless,
                           const std::string& constants, const std::vector<array>& inputs) {
  // Disabled, or inside another transform (whose own tracing must see the ops): plain call.
  if (!compile_enabled() || in_tracing()) return {fun(inputs), 0};
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_cache.find(fun_id);
    if (it != g_cache.end())
      for (auto& e : it->second)
        if (signature_matches(e, shapeless, constants, inputs)) {
          bool reshape = false;
          if (shapeless)
            for (size_t i = 0; i < inputs.size() && !reshape; ++i)
              reshape = e.shapes[i] != inputs[i].shape();
          return {replay(e.prog, inputs, reshape), e.id};
        }
  }
  // Trace on placeholders.
  std::vector<array> s_inputs;
  s_inputs.reserve(inputs.size());
  for (auto& in : inputs) s_inputs.push_back(placeholder(in.shape(), in.dtype()));
  std::vector<array> s_outputs;
  {
    InTracing tracing(true);
    s_outputs = fun(s_inputs);
  }
  Graph g = build_graph(s_inputs, s_outputs);
  Entry e;
  e.constants = constants;
  for (auto& in : inputs) {
    e.dtypes.push_back(in.dtype());
    e.shapes.push_back(in.shape());
  }
  e.prog = make_program(g);
  std::vector<array> out = replay(e.prog, inputs, false);
  std::lock_guard<std::mutex> lock(g_mu);
  e.id = g_next_entry++;
  uint64_t id = e.id;
  g_cache[fun_id].push_back(std::move(e));
  return {std::move(out), id};
}

void compile_erase(std::uintptr_t fun_id) {
  std::vector<Entry> dead;  // freed outside the lock
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_cache.find(fun_id);
  if (it == g_cache.end()) return;
  dead = std::move(it->second);
  g_cache.erase(it);
}

void compile_clear_cache() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_cache.clear();
}

size_t compile_cache_size(std::uintptr_t fun_id) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_cache.find(fun_id);
  return it == g_cache.end() ? 0 : it->second.size();
}

size_t compile_last_program_size(std::uintptr_t fun_id) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_cache.find(fun_id);
  return it == g_cache.end() || it->second.empty() ? 0 : it->second.back().prog.steps.size();
}

}  // namespace detail

VecFn compile(VecFn fun, bool shapeless) {
  auto holder = std::make_shared<VecFn>(std::move(fun));
  auto id = reinterpret_cast<std::uintptr_t>(holder.get());
  // The cache entry lives as long as the compiled function.
  struct Eraser {
    std::uintptr_t id;
    ~Eraser() { detail::compile_erase(id); }
  };
  std::shared_ptr<Eraser> eraser(new Eraser{id});
  return [holder, id, shapeless, eraser](const std::vector<array>& inputs) {
    return detail::compile_call(*holder, id, shapeless, "", inputs).outputs;
  };
}

}  // namespace mlx::core
