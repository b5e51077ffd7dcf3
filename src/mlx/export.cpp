// export_function / import_function / exporter / export_to_dot.
//
// Tracing is compile's: the function runs once on placeholder inputs (a dynamic trace, so
// nothing is evaluated) and the graph it builds is walked in topological order. Arrays with
// no primitive that are not inputs are constants (the arrays the function captured); every
// other array is a node, input-dependent or not (as MLX exports it). The graph is not
// simplified or fused.
//
// File format (version 1), little-endian; mlxjs's own, not MLX's .mlxfn:
//   header  "MLXJSFN\0"  u32 version  u32 crc32(body)  u64 body length
//   body    u8 shapeless  str metadata
//           u32 #constants, each: spec, u64 #bytes, row-major bytes
//           u32 #traces, each:
//             u32 #args, each: spec          u32 #kwargs, each: str name, spec (names ascending)
//             u32 #constants, each: u32 index into the file's constants
//             u32 #nodes, each: str primitive name, u8 device (0 cpu, 1 gpu),
//                               u32 #state values, each: u8 tag, payload
//                               u32 #inputs, each: u32 value   u32 #outputs, each: spec
//             u32 #outputs, each: u32 value
//   spec    u8 dtype  u32 ndim  i32 dims[ndim]          str  u32 length, bytes
// Values are numbered: positional inputs, keyword inputs, the trace's constants, then the
// nodes' outputs in order; a node reads only values numbered before it.
// Reading is defensive: every count and length is checked against the bytes left before
// anything is allocated, the checksum must match, primitives must be known to this build
// and take the number of inputs and outputs they have, and each reader checks its
// parameters against the node's declared input and output shapes and dtypes
// (export_checks.h), which the kernels rely on. Errors say what is wrong.
#include "export.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>

#include "autograd.h"
#include "compile.h"
#include "ops.h"
#include "primitives.h"

namespace mlx::core {

namespace {

constexpr char kMagic[8] = {'M', 'L', 'X', 'J', 'S', 'F', 'N', '\0'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxNdim = 64;
constexpr size_t kHeader = 8 + 4 + 4 + 8;

struct Spec {
  Shape shape;
  Dtype dtype;
};
struct NodeRec {
  std::string name;
  uint8_t device = 0;
  std::vector<StateValue> state;
  std::vector<uint32_t> in;
  std::vector<Spec> out;
};
struct TraceRec {
  std::vector<Spec> args;
  std::vector<std::pair<std::string, Spec>> kwargs;
  std::vector<uint32_t> consts;
  std::vector<NodeRec> nodes;
  std::vector<uint32_t> outputs;
  size_t num_inputs() const { return args.size() + kwargs.size(); }
};

// A trace takes these inputs: same count, names and dtypes, and same shapes (ranks when
// shapeless). Picks the trace of an imported call; an export refuses a second such trace.
bool trace_takes(const TraceRec& t, bool shapeless, const Args& args, const Kwargs& kwargs) {
  if (t.args.size() != args.size() || t.kwargs.size() != kwargs.size()) return false;
  auto match = [&](const Spec& s, const array& a) {
    return s.dtype == a.dtype() &&
           (shapeless ? s.shape.size() == size_t(a.ndim()) : s.shape == a.shape());
  };
  for (size_t i = 0; i < args.size(); ++i)
    if (!match(t.args[i], args[i])) return false;
  size_t k = 0;
  for (auto& [name, a] : kwargs) {
    if (t.kwargs[k].first != name || !match(t.kwargs[k].second, a)) return false;
    ++k;
  }
  return true;
}

std::string shape_text(const Shape& s) {
  std::string t = "(";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + ")";
}

// ---- tracing ----------------------------------------------------------------------------------

// Constants shared by the traces of one file (the same captured array is stored once).
struct ConstTable {
  std::vector<array> arrays;
  std::unordered_map<std::uintptr_t, uint32_t> index;
  uint32_t add(const array& a) {
    auto [it, fresh] = index.emplace(a.id(), uint32_t(arrays.size()));
    if (fresh) arrays.push_back(a);
    return it->second;
  }
};

TraceRec trace(const ExportFn& fun, const Args& args, const Kwargs& kwargs, ConstTable& ct) {
  Args s_args;
  Kwargs s_kw;
  TraceRec tr;
  for (auto& a : args) {
    s_args.push_back(detail::placeholder(a.shape(), a.dtype()));
    tr.args.push_back({a.shape(), a.dtype()});
  }
  for (auto& [k, a] : kwargs) {
    s_kw.emplace(k, detail::placeholder(a.shape(), a.dtype()));
    tr.kwargs.push_back({k, {a.shape(), a.dtype()}});
  }
  std::vector<array> outs;
  {
    detail::InTracing tracing(true);
    outs = fun(s_args, s_kw);
  }
  if (outs.empty()) throw std::invalid_argument("[export_function] The function must return at least one array.");

  std::unordered_map<std::uintptr_t, uint32_t> vid;
  std::unordered_set<std::uintptr_t> seen;
  uint32_t next = 0;
  for (auto& a : s_args) vid.emplace(a.id(), next++), seen.insert(a.id());
  for (auto& [k, a] : s_kw) vid.emplace(a.id(), next++), seen.insert(a.id());
  std::vector<array> leaves, nodes;
  detail::topo_walk(outs, seen, [&](const array& a) {
    if (a.has_primitive()) {
      nodes.push_back(a);
    } else if (detail::is_placeholder(a)) {
      throw std::invalid_argument(
          "[export_function] The function reads an array that another transform is tracing.");
    } else {
      leaves.push_back(a);
    }
  });
  for (auto& c : leaves) {
    vid.emplace(c.id(), next++);
    tr.consts.push_back(ct.add(c));
  }
  for (auto& a : nodes) {
    NodeRec n;
    const Primitive& p = a.primitive();
    n.name = p.name();
    n.device = p.stream().device.type == Device::gpu ? 1 : 0;
    StateWriter w;
    p.write_state(w);  // throws for a primitive that cannot be exported
    n.state = w.values();
    for (auto& in : a.inputs()) n.in.push_back(vid.at(in.id()));
    for (auto& o : a.outputs()) {
      vid.emplace(o.id(), next++);
      n.out.push_back({o.shape(), o.dtype()});
    }
    tr.nodes.push_back(std::move(n));
  }
  for (auto& o : outs) tr.outputs.push_back(vid.at(o.id()));
  return tr;
}

// The elements of a row-major copy of an evaluated array.
std::string array_bytes(const array& a) {
  size_t n = a.size(), isz = a.itemsize();
  std::string out(n * isz, '\0');
  if (n == 0) return out;
  const char* base = a.data<char>();
  if (a.flags().row_contiguous) {
    std::memcpy(out.data(), base, n * isz);
    return out;
  }
  int nd = a.ndim();
  std::vector<int32_t> idx(size_t(nd), 0);
  int64_t off = 0;
  for (size_t k = 0; k < n; ++k) {
    std::memcpy(out.data() + k * isz, base + off * int64_t(isz), isz);
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[d] < a.shape(d)) {
        off += a.strides()[d];
        break;
      }
      off -= a.strides()[d] * int64_t(idx[d] - 1);
      idx[d] = 0;
    }
  }
  return out;
}

// ---- writing ----------------------------------------------------------------------------------

class Out {
 public:
  std::string buf;
  template <typename T>
  void raw(T v) {
    buf.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void u8(uint8_t v) { raw(v); }
  void u32(size_t v) { raw(uint32_t(v)); }
  void str(const std::string& s) {
    u32(s.size());
    buf += s;
  }
  void spec(const Spec& s) {
    u8(uint8_t(s.dtype.index()));
    u32(s.shape.size());
    for (int32_t d : s.shape) raw(d);
  }
  void value(const StateValue& v) {
    u8(uint8_t(v.index()));
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, bool>) {
            u8(x ? 1 : 0);
          } else if constexpr (std::is_same_v<T, std::string>) {
            str(x);
          } else if constexpr (std::is_same_v<T, Dtype>) {
            u8(uint8_t(x.index()));
          } else if constexpr (std::is_same_v<T, std::vector<int32_t>> ||
                               std::is_same_v<T, std::vector<int64_t>>) {
            u32(x.size());
            for (auto e : x) raw(e);
          } else {
            raw(x);
          }
        },
        v);
  }
};

std::string serialize(bool shapeless, const std::string& metadata, const ConstTable& ct,
                      const std::vector<TraceRec>& traces) {
  Out b;
  b.u8(shapeless ? 1 : 0);
  b.str(metadata);
  b.u32(ct.arrays.size());
  for (auto& c : ct.arrays) {
    if (!c.is_available()) throw std::runtime_error("[export_function] A constant is not evaluated.");
    b.spec({c.shape(), c.dtype()});
    std::string bytes = array_bytes(c);
    b.raw(uint64_t(bytes.size()));
    b.buf += bytes;
  }
  b.u32(traces.size());
  for (auto& t : traces) {
    b.u32(t.args.size());
    for (auto& s : t.args) b.spec(s);
    b.u32(t.kwargs.size());
    for (auto& [k, s] : t.kwargs) {
      b.str(k);
      b.spec(s);
    }
    b.u32(t.consts.size());
    for (auto c : t.consts) b.u32(c);
    b.u32(t.nodes.size());
    for (auto& n : t.nodes) {
      b.str(n.name);
      b.u8(n.device);
      b.u32(n.state.size());
      for (auto& v : n.state) b.value(v);
      b.u32(n.in.size());
      for (auto v : n.in) b.u32(v);
      b.u32(n.out.size());
      for (auto& s : n.out) b.spec(s);
    }
    b.u32(t.outputs.size());
    for (auto v : t.outputs) b.u32(v);
  }
  Out h;
  h.buf.append(kMagic, 8);
  h.raw(kVersion);
  h.raw(uint32_t(crc32_z(0, reinterpret_cast<const Bytef*>(b.buf.data()), b.buf.size())));
  h.raw(uint64_t(b.buf.size()));
  return h.buf + b.buf;
}

void write_file(const std::string& file, const std::string& bytes) {
  std::ofstream os(file, std::ios::binary | std::ios::trunc);
  if (!os) throw std::runtime_error("[export_function] Cannot open the file '" + file + "' for writing.");
  os.write(bytes.data(), std::streamsize(bytes.size()));
  os.close();
  if (!os) throw std::runtime_error("[export_function] Writing the file '" + file + "' failed.");
}

// ---- callback records -------------------------------------------------------------------------

// MLX's NodeNamer order: A, B, ..., Z, AA, AB, ...
std::string letter_name(size_t k) {
  std::string s;
  for (size_t n = k + 1; n > 0; n = (n - 1) / 26) s.push_back(char('A' + (n - 1) % 26));
  return std::string(s.rbegin(), s.rend());
}

void emit_records(const TraceRec& tr, const ConstTable& ct, const ExportCallback& cb) {
  size_t nvals = tr.num_inputs() + tr.consts.size();
  for (auto& n : tr.nodes) nvals += n.out.size();
  std::vector<Spec> specs;
  for (auto& s : tr.args) specs.push_back(s);
  for (auto& [k, s] : tr.kwargs) specs.push_back(s);
  for (auto c : tr.consts) specs.push_back({ct.arrays[c].shape(), ct.arrays[c].dtype()});
  for (auto& n : tr.nodes)
    for (auto& s : n.out) specs.push_back(s);
  std::vector<std::string> names(nvals);
  size_t named = 0;
  auto name = [&](uint32_t v) -> const std::string& {
    if (names[v].empty()) names[v] = letter_name(named++);
    return names[v];
  };
  auto tensor = [&](uint32_t v) { return ExportTensor{name(v), specs[v].shape, specs[v].dtype}; };
  ExportRecord r;
  r.type = "inputs";
  for (uint32_t v = 0; v < tr.num_inputs(); ++v) r.inputs.push_back(tensor(v));
  cb(r);
  r = ExportRecord{};
  r.type = "keyword_inputs";
  for (size_t k = 0; k < tr.kwargs.size(); ++k)
    r.keywords.emplace_back(tr.kwargs[k].first, name(uint32_t(tr.args.size() + k)));
  cb(r);
  r = ExportRecord{};
  r.type = "outputs";
  for (auto v : tr.outputs) r.outputs.push_back(tensor(v));
  cb(r);
  r = ExportRecord{};
  r.type = "constants";
  for (size_t k = 0; k < tr.consts.size(); ++k)
    r.constants.emplace_back(name(uint32_t(tr.num_inputs() + k)), ct.arrays[tr.consts[k]]);
  cb(r);
  uint32_t next = uint32_t(tr.num_inputs() + tr.consts.size());
  for (auto& n : tr.nodes) {
    r = ExportRecord{};
    r.type = "primitive";
    r.name = n.name;
    for (auto v : n.in) r.inputs.push_back(tensor(v));
    for (size_t k = 0; k < n.out.size(); ++k) r.outputs.push_back(tensor(next++));
    r.arguments = n.state;
    cb(r);
  }
}

// ---- reading ----------------------------------------------------------------------------------

[[noreturn]] void bad(const std::string& why) {
  throw std::invalid_argument("[import_function] Invalid file: " + why + ".");
}

class In {
 public:
  In(const char* p, const char* end) : p_(p), end_(end) {}
  size_t left() const { return size_t(end_ - p_); }
  void need(size_t n) const {
    if (left() < n) bad("it ends before its data does (truncated?)");
  }
  template <typename T>
  T raw() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  uint8_t u8() { return raw<uint8_t>(); }
  uint32_t u32() { return raw<uint32_t>(); }
  // A count of items of at least min_bytes each: never more than the bytes left hold.
  uint32_t count(size_t min_bytes, const char* what) {
    uint32_t c = u32();
    if (size_t(c) * min_bytes > left()) bad(std::string("its number of ") + what + " is larger than the file");
    return c;
  }
  std::string str(size_t max_len, const char* what) {
    uint32_t n = u32();
    if (n > max_len) bad(std::string("a ") + what + " is too long");
    need(n);
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  std::string bytes(size_t n) {
    need(n);
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  Dtype dtype() {
    uint8_t d = u8();
    if (d > uint8_t(complex64.index())) bad("it names an unknown dtype (" + std::to_string(d) + ")");
    return Dtype(Dtype::Val(d));
  }
  Spec spec() {
    Spec s;
    s.dtype = dtype();
    uint32_t nd = u32();
    if (nd > kMaxNdim) bad("a shape has more than 64 dimensions");
    need(size_t(nd) * 4);
    double size = 1;
    for (uint32_t i = 0; i < nd; ++i) {
      int32_t d = raw<int32_t>();
      if (d < 0) bad("a shape has a negative dimension");
      s.shape.push_back(d);
      size *= double(d);
    }
    if (size > double(int64_t(1) << 48)) bad("a shape is too large");
    return s;
  }
  StateValue value() {
    switch (u8()) {
      case 0: {
        uint8_t b = u8();
        if (b > 1) bad("a boolean parameter is neither 0 nor 1");
        return bool(b);
      }
      case 1: return raw<int32_t>();
      case 2: return raw<int64_t>();
      case 3: return raw<float>();
      case 4: return raw<double>();
      case 5: return str(1 << 16, "string parameter");
      case 6: return dtype();
      case 7: {
        uint32_t n = count(4, "integers in a parameter");
        std::vector<int32_t> v(n);
        for (auto& e : v) e = raw<int32_t>();
        return v;
      }
      case 8: {
        uint32_t n = count(8, "integers in a parameter");
        std::vector<int64_t> v(n);
        for (auto& e : v) e = raw<int64_t>();
        return v;
      }
      default: bad("a parameter has an unknown type tag");
    }
  }

 private:
  const char* p_;
  const char* end_;
};

// One trace ready to replay: the record, its primitives, and what shapeless replays need.
struct Step {
  std::shared_ptr<Primitive> prim;
  bool broadcast = false;    // a Broadcast: takes the shape its elementwise consumer computes in
  std::vector<uint32_t> parts;
  bool elementwise = false;  // one-shape operands
  std::vector<int> squeeze_map;  // a Reshape that only adds or drops size-1 dims
};
struct ImportedTrace {
  TraceRec rec;
  std::vector<Step> steps;
};


bool is_elementwise(const Primitive& p) {
  auto& t = typeid(p);
  return t == typeid(Unary) || t == typeid(Binary) || t == typeid(Compare) || t == typeid(Select) ||
         t == typeid(AsType) || t == typeid(Copy) || t == typeid(StopGradient) || t == typeid(DivMod);
}

ImportedTrace prepare(TraceRec rec, const std::vector<array>& constants) {
  ImportedTrace it;
  std::vector<Spec> specs;  // of every value, to check references and build shapeless maps
  for (auto& s : rec.args) specs.push_back(s);
  for (auto& [k, s] : rec.kwargs) specs.push_back(s);
  for (auto c : rec.consts) {
    if (c >= constants.size()) bad("a trace refers to a constant the file does not have");
    specs.push_back({constants[c].shape(), constants[c].dtype()});
  }
  std::vector<int> step_of(specs.size(), -1);
  for (size_t ni = 0; ni < rec.nodes.size(); ++ni) {
    auto& n = rec.nodes[ni];
    const detail::PrimitiveReader* r = detail::find_reader(n.name);
    if (!r) bad("it uses the primitive '" + n.name + "', which this version of mlxjs cannot import");
    int nin = int(n.in.size()), nout = int(n.out.size());
    if (nin < r->min_inputs || (r->max_inputs >= 0 && nin > r->max_inputs))
      bad("the primitive " + n.name + " has " + std::to_string(nin) + " inputs");
    if (nout < r->min_outputs || (r->max_outputs >= 0 && nout > r->max_outputs) || nout < 1)
      bad("the primitive " + n.name + " has " + std::to_string(nout) + " outputs");
    for (auto v : n.in)
      if (v >= specs.size()) bad("a node reads a value that is not defined before it");
    Device dev(n.device ? Device::gpu : Device::cpu);
    if (!is_available(dev)) throw std::invalid_argument("[import_function] The file runs " + n.name +
                                                        " on the gpu, which is not available.");
    StateReader sr(n.state, n.name);
    NodeIO io;
    for (auto v : n.in) {
      io.in_shapes.push_back(specs[v].shape);
      io.in_dtypes.push_back(specs[v].dtype);
    }
    for (auto& s : n.out) {
      io.out_shapes.push_back(s.shape);
      io.out_dtypes.push_back(s.dtype);
    }
    Step st;
    st.prim = r->make(default_stream(dev), sr, io);
    sr.done();
    st.broadcast = typeid(*st.prim) == typeid(Broadcast);
    st.elementwise = is_elementwise(*st.prim);
    if (auto* r = dynamic_cast<const Reshape*>(st.prim.get()); r && !detail::infers_dim(*r))
      st.squeeze_map = detail::squeeze_map(specs[n.in[0]].shape, n.out[0].shape);
    for (auto& s : n.out) {
      step_of.push_back(int(ni));
      specs.push_back(s);
    }
    it.steps.push_back(std::move(st));
  }
  if (rec.outputs.empty()) bad("a trace has no outputs");
  for (auto v : rec.outputs)
    if (v >= specs.size()) bad("an output is not a value of the trace");
  // Shapeless: a Broadcast takes the shape of its first elementwise consumer's operands.
  for (size_t ni = 0; ni < rec.nodes.size(); ++ni) {
    if (!it.steps[ni].elementwise) continue;
    std::vector<uint32_t> parts;
    for (auto v : rec.nodes[ni].in) {
      int p = step_of[v];
      parts.push_back(p >= 0 && it.steps[p].broadcast ? rec.nodes[p].in[0] : v);
    }
    for (auto v : rec.nodes[ni].in) {
      int p = step_of[v];
      if (p >= 0 && it.steps[p].broadcast && it.steps[p].parts.empty()) it.steps[p].parts = parts;
    }
  }
  it.rec = std::move(rec);
  return it;
}

TraceRec read_trace(In& in) {
  TraceRec t;
  uint32_t na = in.count(5, "inputs");
  for (uint32_t i = 0; i < na; ++i) t.args.push_back(in.spec());
  uint32_t nk = in.count(9, "keyword inputs");
  for (uint32_t i = 0; i < nk; ++i) {
    std::string k = in.str(1 << 12, "keyword name");
    if (!t.kwargs.empty() && !(t.kwargs.back().first < k)) bad("its keyword names are not unique and sorted");
    t.kwargs.push_back({k, in.spec()});
  }
  uint32_t nc = in.count(4, "constants");
  for (uint32_t i = 0; i < nc; ++i) t.consts.push_back(in.u32());
  uint32_t nn = in.count(14, "nodes");
  uint64_t defined = uint64_t(na) + nk + nc;
  for (uint32_t i = 0; i < nn; ++i) {
    NodeRec n;
    n.name = in.str(128, "primitive name");
    n.device = in.u8();
    if (n.device > 1) bad("a node has an unknown device");
    uint32_t ns = in.count(2, "parameters");
    for (uint32_t k = 0; k < ns; ++k) n.state.push_back(in.value());
    uint32_t ni = in.count(4, "node inputs");
    for (uint32_t k = 0; k < ni; ++k) n.in.push_back(in.u32());
    uint32_t no = in.count(5, "node outputs");
    for (uint32_t k = 0; k < no; ++k) n.out.push_back(in.spec());
    for (auto v : n.in)
      if (v >= defined) bad("a node reads a value that is not defined before it");
    defined += no;
    t.nodes.push_back(std::move(n));
  }
  uint32_t no = in.count(4, "outputs");
  for (uint32_t i = 0; i < no; ++i) {
    uint32_t v = in.u32();
    if (v >= defined) bad("an output is not a value of the trace");
    t.outputs.push_back(v);
  }
  return t;
}

}  // namespace

// ---- FunctionExporter ---------------------------------------------------------------------------

struct FunctionExporter::Impl {
  std::string file;
  ExportCallback callback;
  bool shapeless = false;
  std::string metadata;
  bool closed = false;
  ConstTable consts;
  std::vector<TraceRec> traces;
};

FunctionExporter::FunctionExporter(std::string file, bool shapeless, std::string metadata)
    : impl_(std::make_shared<Impl>()) {
  impl_->file = std::move(file);
  impl_->shapeless = shapeless;
  impl_->metadata = std::move(metadata);
}

FunctionExporter::FunctionExporter(ExportCallback callback, bool shapeless)
    : impl_(std::make_shared<Impl>()) {
  impl_->callback = std::move(callback);
  impl_->shapeless = shapeless;
}

void FunctionExporter::operator()(const ExportFn& fun, const Args& args, const Kwargs& kwargs) {
  Impl& m = *impl_;
  if (m.closed) throw std::runtime_error("[export_function] The exporter is closed: it cannot add traces.");
  // A trace whose inputs match an earlier one (its shapes, or ranks when shapeless) would
  // never be picked on import: MLX refuses it too.
  for (auto& t : m.traces) {
    if (trace_takes(t, m.shapeless, args, kwargs)) throw std::invalid_argument(
          "[export_function] Attempting to export a function twice with the same signature is not allowed.");
  }
  ConstTable local;
  ConstTable& ct = m.callback ? local : m.consts;
  size_t before = ct.arrays.size();
  TraceRec tr;
  try {
    tr = trace(fun, args, kwargs, ct);
  } catch (...) {
    // Constants of a failed trace are not kept.
    for (size_t i = before; i < ct.arrays.size(); ++i) ct.index.erase(ct.arrays[i].id());
    ct.arrays.erase(ct.arrays.begin() + long(before), ct.arrays.end());
    throw;
  }
  if (m.callback) {
    emit_records(tr, ct, m.callback);
    return;
  }
  m.traces.push_back(std::move(tr));
  try {
    write_file(m.file, serialize(m.shapeless, m.metadata, m.consts, m.traces));
  } catch (...) {
    m.traces.pop_back();
    throw;
  }
}

void FunctionExporter::close() {
  impl_->closed = true;
  impl_->traces.clear();
  impl_->consts = ConstTable{};
}

bool FunctionExporter::closed() const { return impl_->closed; }

void export_function(const std::string& file, const ExportFn& fun, const Args& args,
                     const Kwargs& kwargs, bool shapeless, const std::string& metadata) {
  FunctionExporter e(file, shapeless, metadata);
  e(fun, args, kwargs);
}

void export_function(const ExportCallback& callback, const ExportFn& fun, const Args& args,
                     const Kwargs& kwargs, bool shapeless) {
  FunctionExporter e(callback, shapeless);
  e(fun, args, kwargs);
}

// ---- ImportedFunction ---------------------------------------------------------------------------

struct ImportedFunction::Impl {
  bool shapeless = false;
  std::string metadata;
  std::vector<array> constants;
  std::vector<ImportedTrace> traces;
};

ImportedFunction import_function_from_bytes(const std::string& bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    throw std::invalid_argument("[import_function] Not an mlxjs function file (its first bytes are not MLXJSFN).");
  if (bytes.size() < kHeader) bad("it ends inside its header (truncated?)");
  In head(bytes.data() + 8, bytes.data() + kHeader);
  uint32_t version = head.u32();
  if (version != kVersion)
    throw std::invalid_argument("[import_function] The file has format version " + std::to_string(version) +
                                "; this version of mlxjs reads version " + std::to_string(kVersion) + ".");
  uint32_t crc = head.u32();
  uint64_t len = head.raw<uint64_t>();
  if (len != bytes.size() - kHeader) bad("its length does not match its header (truncated?)");
  const char* body = bytes.data() + kHeader;
  if (uint32_t(crc32_z(0, reinterpret_cast<const Bytef*>(body), size_t(len))) != crc)
    bad("its checksum does not match (the file is corrupted)");
  In in(body, body + len);
  auto impl = std::make_shared<ImportedFunction::Impl>();
  uint8_t sl = in.u8();
  if (sl > 1) bad("its shapeless flag is neither 0 nor 1");
  impl->shapeless = sl == 1;
  impl->metadata = in.str(size_t(len), "metadata string");
  uint32_t nc = in.count(13, "constants");
  for (uint32_t i = 0; i < nc; ++i) {
    Spec s = in.spec();
    uint64_t nbytes = in.raw<uint64_t>();
    double expect = double(s.dtype.size());
    for (int32_t d : s.shape) expect *= double(d);
    if (double(nbytes) != expect) bad("a constant's byte count does not match its shape");
    in.need(size_t(nbytes));
    std::string data = in.bytes(size_t(nbytes));
    impl->constants.push_back(array(data.data(), s.shape, s.dtype));
  }
  uint32_t nt = in.count(24, "traces");
  if (nt == 0) bad("it holds no traces");
  for (uint32_t i = 0; i < nt; ++i) impl->traces.push_back(prepare(read_trace(in), impl->constants));
  if (in.left() != 0) bad("it has bytes after its last trace");
  ImportedFunction f;
  f.impl_ = std::move(impl);
  return f;
}

ImportedFunction import_function(const std::string& file) {
  std::ifstream is(file, std::ios::binary);
  if (!is) throw std::invalid_argument("[import_function] Cannot open the file '" + file + "'.");
  std::ostringstream ss;
  ss << is.rdbuf();
  return import_function_from_bytes(ss.str());
}

const std::string& ImportedFunction::metadata() const { return impl_->metadata; }
bool ImportedFunction::shapeless() const { return impl_->shapeless; }
size_t ImportedFunction::num_traces() const { return impl_->traces.size(); }

namespace {

std::string signature_text(size_t na, const std::vector<std::pair<std::string, const Spec*>>& items) {
  std::ostringstream os;
  size_t nk = items.size() - na;
  os << "Function with " << na << " positional inputs and " << nk << " keyword inputs:\n";
  for (size_t i = 0; i < items.size(); ++i) {
    os << "   " << (i < na ? std::to_string(i + 1) : items[i].first) << ": "
       << shape_text(items[i].second->shape) << " " << dtype_name(items[i].second->dtype) << "\n";
  }
  return os.str();
}

}  // namespace

std::vector<array> ImportedFunction::operator()(const Args& args, const Kwargs& kwargs) const {
  const Impl& f = *impl_;
  const ImportedTrace* pick = nullptr;
  for (auto& t : f.traces) {
    if (trace_takes(t.rec, f.shapeless, args, kwargs)) {
      pick = &t;
      break;
    }
  }
  if (!pick) {
    std::ostringstream os;
    os << "[import_function::call] No imported function found which matches the given positional and "
          "keyword arguments. Possible functions include:\n";
    for (size_t i = 0; i < f.traces.size(); ++i) {
      std::vector<std::pair<std::string, const Spec*>> items;
      for (auto& s : f.traces[i].rec.args) items.push_back({"", &s});
      for (auto& [k, s] : f.traces[i].rec.kwargs) items.push_back({k, &s});
      os << " " << (i + 1) << ". " << signature_text(f.traces[i].rec.args.size(), items) << "\n";
    }
    std::vector<Spec> given;
    std::vector<std::pair<std::string, const Spec*>> items;
    for (auto& a : args) given.push_back({a.shape(), a.dtype()});
    for (auto& [k, a] : kwargs) given.push_back({a.shape(), a.dtype()});
    size_t g = 0;
    for (size_t i = 0; i < args.size(); ++i) items.push_back({"", &given[g++]});
    for (auto& [k, a] : kwargs) items.push_back({k, &given[g++]});
    os << "Called with " << signature_text(args.size(), items).substr(std::strlen("Function with "));
    std::string msg = os.str();
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw std::invalid_argument(msg);
  }

  const TraceRec& r = pick->rec;
  bool reshape = false;
  std::vector<array> vals;
  vals.reserve(r.num_inputs() + r.consts.size());
  for (auto& a : args) vals.push_back(a);
  for (auto& [k, a] : kwargs) vals.push_back(a);
  for (size_t i = 0; i < r.num_inputs(); ++i) {
    const Spec& s = i < r.args.size() ? r.args[i] : r.kwargs[i - r.args.size()].second;
    reshape = reshape || s.shape != vals[i].shape();
  }
  for (auto c : r.consts) vals.push_back(f.constants[c]);
  for (size_t ni = 0; ni < r.nodes.size(); ++ni) {
    const NodeRec& n = r.nodes[ni];
    const Step& st = pick->steps[ni];
    std::vector<array> in;
    in.reserve(n.in.size());
    for (auto v : n.in) in.push_back(vals[v]);
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    for (auto& s : n.out) dtypes.push_back(s.dtype);
    if (!reshape) {
      for (auto& s : n.out) shapes.push_back(s.shape);
    } else {
      std::vector<Shape> parts;
      for (auto v : st.parts) parts.push_back(vals[v].shape());
      shapes = detail::shapeless_shapes("import_function", *st.prim, in, st.broadcast, parts,
                                        n.out[0].shape, st.squeeze_map, st.elementwise);
    }
    if (n.out.size() == 1) {
      vals.push_back(array(std::move(shapes[0]), dtypes[0], st.prim, std::move(in)));
    } else {
      for (auto& o : array::make_arrays(std::move(shapes), dtypes, st.prim, std::move(in))) vals.push_back(o);
    }
  }
  std::vector<array> out;
  for (auto v : r.outputs) out.push_back(vals[v]);
  return out;
}

// ---- export_to_dot ------------------------------------------------------------------------------

void export_to_dot(std::ostream& os, const std::vector<array>& outputs,
                   const std::vector<std::pair<std::string, array>>& names) {
  std::unordered_map<std::uintptr_t, std::string> name_of;
  for (auto& [k, a] : names) name_of[a.id()] = k;
  size_t counter = 0;
  auto name = [&](const array& a) -> const std::string& {
    auto it = name_of.find(a.id());
    if (it != name_of.end()) return it->second;
    return name_of.emplace(a.id(), letter_name(counter++)).first->second;
  };
  std::unordered_set<std::uintptr_t> out_set;
  for (auto& o : outputs) out_set.insert(o.id());
  os << "digraph {\n";
  std::unordered_set<std::uintptr_t> seen;
  detail::topo_walk(outputs, seen, [&](const array& x) {
    if (!x.has_primitive()) {
      os << "{ rank=source; " << name(x) << "; }\n";
      return;
    }
    auto pid = reinterpret_cast<std::uintptr_t>(&x.primitive());
    os << "{ " << pid << " [label =\"" << x.primitive().name() << "\", shape=rectangle]; }\n";
    for (auto& a : x.inputs()) os << name(a) << " -> " << pid << "\n";
    for (auto& a : x.outputs()) {
      os << "{ " << (out_set.count(a.id()) ? "rank=sink; " : "") << name(a) << "; }\n";
      os << pid << " -> " << name(a) << "\n";
    }
  });
  os << "}";
}

}  // namespace mlx::core
