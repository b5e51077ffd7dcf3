// Export state of the linalg, fft, fast, conv and quantized primitives: write_state and the
// readers import_function rebuilds them with (see export_core.cpp).
#include <cstring>

#include "export_state.h"
#include "primitives_conv.h"
#include "primitives_fast.h"
#include "primitives_fft.h"
#include "primitives_linalg.h"
#include "primitives_quantized.h"

namespace mlx::core {

// ---- linalg: the state starts with the user-facing op name that evaluation errors show -------

void QRF::write_state(StateWriter& w) const { w.s(op_); }
void SVD::write_state(StateWriter& w) const { w.s(op_).b(compute_uv_); }
void Inverse::write_state(StateWriter& w) const { w.s(op_).b(tri_).b(upper_); }
void Cholesky::write_state(StateWriter& w) const { w.s(op_).b(upper_); }
void CholeskyInverse::write_state(StateWriter& w) const { w.s(op_).b(upper_); }
void Eig::write_state(StateWriter& w) const { w.s(op_).b(vectors_); }
void Eigh::write_state(StateWriter& w) const { w.s(op_).b(upper_).b(vectors_); }
void LUF::write_state(StateWriter& w) const { w.s(op_); }
void Solve::write_state(StateWriter& w) const { w.s(op_).b(upper_); }
void Determinant::write_state(StateWriter& w) const { w.s(op_); }

// ---- fft, fast, conv, quantized ---------------------------------------------------------------

void FFT::write_state(StateWriter& w) const {
  w.ints(axes_).ints(n_).b(inverse_).b(real_).d(scale_);
}
void fast::RMSNorm::write_state(StateWriter& w) const { w.f(eps_); }
void fast::LayerNorm::write_state(StateWriter& w) const { w.f(eps_); }
void fast::RoPE::write_state(StateWriter& w) const {
  w.i(dims_).b(traditional_).f(base_).f(scale_).b(forward_);
}
void fast::ScaledDotProductAttention::write_state(StateWriter& w) const {
  w.f(scale_).b(causal_).b(has_mask_).b(has_sinks_);
}
void Convolution::write_state(StateWriter& w) const {
  w.ints(kernel_strides_).ints(padding_lo_).ints(padding_hi_).ints(kernel_dilation_);
  w.ints(input_dilation_).i(groups_).b(flip_);
}
void Quantize::write_state(StateWriter& w) const { w.e(mode_).i(group_size_).i(bits_); }
// The requested output dtype, when the op recorded one.
void Dequantize::write_state(StateWriter& w) const {
  w.e(mode_).i(group_size_).i(bits_).b(out_dtype_.has_value()).dtype(out_dtype_.value_or(float32));
}
void QuantizedMatmul::write_state(StateWriter& w) const {
  w.e(mode_).i(group_size_).i(bits_).b(transpose_);
}
void GatherQMM::write_state(StateWriter& w) const {
  w.e(mode_).i(group_size_).i(bits_).b(transpose_);
}

namespace detail {

namespace {

using Make = std::function<std::shared_ptr<Primitive>(Stream, StateReader&, int, int)>;

void reg(const std::string& name, int min_in, int max_in, Make make, int min_out = 1,
         int max_out = 1) {
  PrimitiveReader r;
  r.min_inputs = min_in;
  r.max_inputs = max_in;
  r.min_outputs = min_out;
  r.max_outputs = max_out;
  r.make = std::move(make);
  register_reader(name, std::move(r));
}

// The primitives keep the op name as a pointer to a literal: a file's name maps onto the
// same literals (an unknown one onto "linalg").
const char* linalg_op(StateReader& r) {
  static const char* const known[] = {
      "linalg.qr", "linalg.svd", "linalg.inv", "linalg.tri_inv", "linalg.cholesky",
      "linalg.cholesky_inv", "linalg.pinv", "linalg.eigvals", "linalg.eig", "linalg.eigvalsh",
      "linalg.eigh", "linalg.lu", "linalg.lu_factor", "linalg.solve", "linalg.solve_triangular",
      "linalg.det", "linalg.slogdet", "linalg.norm", "linalg.cross"};
  std::string s = r.s();
  for (const char* k : known)
    if (s == k) return k;
  return "linalg";
}

void check_quant(StateReader& r, QuantMode& mode, int& gs, int& bits) {
  mode = r.e<QuantMode>(4);
  gs = r.at_least(1);
  bits = r.at_least(1);
  if (bits > 8 || gs > (1 << 20)) r.fail("the group size or bits are out of range");
}

}  // namespace

void register_ext_readers() {
  reg("QRF", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<QRF>(s, linalg_op(r)); }, 2, 2);
  reg("SVD", 1, 1, [](Stream s, StateReader& r, int, int n_out) {
    const char* op = linalg_op(r);
    bool uv = r.b();
    if (n_out != (uv ? 3 : 1)) r.fail("its output count does not match");
    return std::make_shared<SVD>(s, op, uv);
  }, 1, 3);
  reg("Inverse", 1, 1, [](Stream s, StateReader& r, int, int) {
    const char* op = linalg_op(r);
    bool tri = r.b();
    return std::make_shared<Inverse>(s, op, tri, r.b());
  });
  reg("Cholesky", 1, 1, [](Stream s, StateReader& r, int, int) {
    const char* op = linalg_op(r);
    return std::make_shared<Cholesky>(s, op, r.b());
  });
  reg("CholeskyInverse", 1, 1, [](Stream s, StateReader& r, int, int) {
    const char* op = linalg_op(r);
    return std::make_shared<CholeskyInverse>(s, op, r.b());
  });
  reg("Eig", 1, 1, [](Stream s, StateReader& r, int, int n_out) {
    const char* op = linalg_op(r);
    bool v = r.b();
    if (n_out != (v ? 2 : 1)) r.fail("its output count does not match");
    return std::make_shared<Eig>(s, op, v);
  }, 1, 2);
  reg("Eigh", 1, 1, [](Stream s, StateReader& r, int, int n_out) {
    const char* op = linalg_op(r);
    bool up = r.b(), v = r.b();
    if (n_out != (v ? 2 : 1)) r.fail("its output count does not match");
    return std::make_shared<Eigh>(s, op, up, v);
  }, 1, 2);
  reg("LUF", 1, 1, [](Stream s, StateReader& r, int, int) { return std::make_shared<LUF>(s, linalg_op(r)); }, 3, 3);
  for (bool tri : {false, true}) {
    reg(Solve(Stream{}, "", tri, false).name(), 2, 2, [tri](Stream s, StateReader& r, int, int) {
      const char* op = linalg_op(r);
      return std::make_shared<Solve>(s, op, tri, r.b());
    });
  }
  for (bool lg : {false, true}) {
    reg(Determinant(Stream{}, "", lg).name(), 1, 1, [lg](Stream s, StateReader& r, int, int) {
      return std::make_shared<Determinant>(s, linalg_op(r), lg);
    }, lg ? 2 : 1, lg ? 2 : 1);
  }

  reg("FFT", 1, 1, [](Stream s, StateReader& r, int, int) {
    auto axes = r.ints();
    Shape n = r.ints();
    if (axes.size() != n.size() || axes.empty()) r.fail("its axes and lengths differ");
    for (size_t k = 0; k < axes.size(); ++k)
      if (axes[k] < 0 || n[k] < 1) r.fail("an axis or length is out of range");
    bool inv = r.b(), real = r.b();
    return std::make_shared<FFT>(s, axes, n, inv, real, r.d());
  });
  reg("RMSNorm", 2, 2, [](Stream s, StateReader& r, int, int) { return std::make_shared<fast::RMSNorm>(s, r.f()); });
  reg("LayerNorm", 3, 3, [](Stream s, StateReader& r, int, int) { return std::make_shared<fast::LayerNorm>(s, r.f()); });
  reg("RoPE", 2, 3, [](Stream s, StateReader& r, int, int) {
    int dims = r.at_least(1);
    bool trad = r.b();
    float base = r.f(), scale = r.f();
    return std::make_shared<fast::RoPE>(s, dims, trad, base, scale, r.b());
  });
  reg("ScaledDotProductAttention", 3, 5, [](Stream s, StateReader& r, int n_in, int) {
    float scale = r.f();
    bool causal = r.b(), mask = r.b(), sinks = r.b();
    if (n_in != 3 + int(mask) + int(sinks)) r.fail("its inputs do not match its mask and sinks");
    return std::make_shared<fast::ScaledDotProductAttention>(s, scale, causal, mask, sinks);
  });
  reg("Convolution", 2, 2, [](Stream s, StateReader& r, int, int) {
    auto st = r.ints(), lo = r.ints(), hi = r.ints(), kd = r.ints(), id = r.ints();
    size_t d = st.size();
    if (d < 1 || d > 3 || lo.size() != d || hi.size() != d || kd.size() != d || id.size() != d)
      r.fail("its parameter vectors differ in length");
    for (size_t k = 0; k < d; ++k)
      if (st[k] < 1 || lo[k] < 0 || hi[k] < 0 || kd[k] < 1 || id[k] < 1)
        r.fail("a stride, padding or dilation is out of range");
    int groups = r.at_least(1);
    return std::make_shared<Convolution>(s, st, lo, hi, kd, id, groups, r.b());
  });
  reg("Quantize", 1, 1, [](Stream s, StateReader& r, int, int) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    return std::make_shared<Quantize>(s, m, gs, bits);
  }, 2, 3);
  reg("Dequantize", 2, 3, [](Stream s, StateReader& r, int, int) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    bool has_dtype = r.b();
    Dtype dt = r.dtype();
    auto p = std::make_shared<Dequantize>(s, m, gs, bits);
    if (has_dtype) p->set_out_dtype(dt);
    return p;
  });
  reg("QuantizedMatmul", 3, 4, [](Stream s, StateReader& r, int, int) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    return std::make_shared<QuantizedMatmul>(s, m, gs, bits, r.b());
  });
  reg("GatherQMM", 5, 6, [](Stream s, StateReader& r, int, int) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    return std::make_shared<GatherQMM>(s, m, gs, bits, r.b());
  });
}

}  // namespace detail

}  // namespace mlx::core
