// Export state of the linalg, fft, fast, conv and quantized primitives: write_state and the
// readers import_function rebuilds them with (see export_core.cpp).
#include <algorithm>
#include <cstring>

#include "export_checks.h"
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

// Matrices in the last two axes of a float32, float64 or complex64 input (square: n x n).
void matrices(StateReader& r, const NodeIO& io, int k, bool square) {
  rank_at_least(r, io, 2, k);
  Dtype t = io.in_dtypes[size_t(k)];
  if (t != float32 && t != float64 && t != complex64) r.fail("its input is not float32, float64 or complex64");
  const Shape& sh = io.in_shapes[size_t(k)];
  if (square && sh[sh.size() - 1] != sh[sh.size() - 2]) r.fail("its matrices are not square");
}
template <typename P>
std::shared_ptr<P> inferred(StateReader& r, const NodeIO& io, std::shared_ptr<P> p) {
  infer_shapes(r, io, *p);
  return p;
}

void check_quant(StateReader& r, QuantMode& mode, int& gs, int& bits) {
  mode = r.e<QuantMode>(4);
  gs = r.at_least(1);
  bits = r.at_least(1);
  if (bits > 8 || gs > (1 << 20)) r.fail("the group size or bits are out of range");
}

}  // namespace

void register_ext_readers() {
  reg("QRF", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    matrices(r, io, 0, false);
    keeps_dtype(r, io);
    return inferred(r, io, std::make_shared<QRF>(s, op));
  }, 2, 2);
  reg("SVD", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool uv = r.b();
    if (io.nout() != (uv ? 3 : 1)) r.fail("its output count does not match");
    matrices(r, io, 0, false);
    return inferred(r, io, std::make_shared<SVD>(s, op, uv));
  }, 1, 3);
  reg("Inverse", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool tri = r.b(), up = r.b();
    matrices(r, io, 0, true);
    keeps_dtype(r, io);
    return inferred(r, io, std::make_shared<Inverse>(s, op, tri, up));
  });
  reg("Cholesky", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool up = r.b();
    matrices(r, io, 0, true);
    keeps_dtype(r, io);
    return inferred(r, io, std::make_shared<Cholesky>(s, op, up));
  });
  reg("CholeskyInverse", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool up = r.b();
    matrices(r, io, 0, true);
    keeps_dtype(r, io);
    return inferred(r, io, std::make_shared<CholeskyInverse>(s, op, up));
  });
  reg("Eig", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool v = r.b();
    if (io.nout() != (v ? 2 : 1)) r.fail("its output count does not match");
    matrices(r, io, 0, true);
    out_dtype(r, io, complex64);
    return inferred(r, io, std::make_shared<Eig>(s, op, v));
  }, 1, 2);
  reg("Eigh", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    bool up = r.b(), v = r.b();
    if (io.nout() != (v ? 2 : 1)) r.fail("its output count does not match");
    matrices(r, io, 0, true);
    Dtype real = io.in_dtypes[0] == complex64 ? float32 : io.in_dtypes[0];
    if (io.out_dtypes[0] != real || (v && io.out_dtypes[1] != io.in_dtypes[0])) r.fail("its output dtypes are not the ones it computes");
    return inferred(r, io, std::make_shared<Eigh>(s, op, up, v));
  }, 1, 2);
  reg("LUF", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    const char* op = linalg_op(r);
    matrices(r, io, 0, false);
    if (io.out_dtypes[0] != io.in_dtypes[0] || io.out_dtypes[1] != uint32 || io.out_dtypes[2] != uint32)
      r.fail("its output dtypes are not the ones it computes");
    return inferred(r, io, std::make_shared<LUF>(s, op));
  }, 3, 3);
  for (bool tri : {false, true}) {
    reg(Solve(Stream{}, "", tri, false).name(), 2, 2, [tri](Stream s, StateReader& r, const NodeIO& io) {
      const char* op = linalg_op(r);
      bool up = r.b();
      matrices(r, io, 0, true);
      matrices(r, io, 1, false);
      same_dtypes(r, io);
      keeps_dtype(r, io);
      return inferred(r, io, std::make_shared<Solve>(s, op, tri, up));
    });
  }
  for (bool lg : {false, true}) {
    reg(Determinant(Stream{}, "", lg).name(), 1, 1, [lg](Stream s, StateReader& r, const NodeIO& io) {
      const char* op = linalg_op(r);
      matrices(r, io, 0, true);
      keeps_dtype(r, io);
      return inferred(r, io, std::make_shared<Determinant>(s, op, lg));
    }, lg ? 2 : 1, lg ? 2 : 1);
  }

  reg("FFT", 1, 1, [](Stream s, StateReader& r, const NodeIO& io) {
    auto axes = r.ints();
    Shape n = r.ints();
    if (axes.size() != n.size() || axes.empty()) r.fail("its axes and lengths differ");
    for (size_t k = 0; k < axes.size(); ++k)
      if (axes[k] < 0 || n[k] < 1) r.fail("an axis or length is out of range");
    bool inv = r.b(), real = r.b();
    double scale = r.d();
    std::vector<char> seen(size_t(io.rank()), 0);
    for (int a : axes) {
      if (a >= io.rank() || seen[size_t(a)]) r.fail("an axis is out of range or repeated");
      seen[size_t(a)] = 1;
    }
    Dtype in = io.in_dtypes[0], out = io.out_dtypes[0];
    bool ok = real ? (inv ? in == complex64 && out == float32 : in == float32 && out == complex64)
                   : (in == complex64 || in == float32) && out == complex64;
    if (!ok) r.fail("its dtypes do not fit its kind");
    return inferred(r, io, std::make_shared<FFT>(s, axes, n, inv, real, scale));
  });
  // x and per-feature parameters (1-D of x's last axis, or 0-d when absent), one dtype.
  auto norm = [](StateReader& r, const NodeIO& io) {
    rank_at_least(r, io, 1, 0);
    for (int k = 1; k < io.nin(); ++k) {
      const Shape& w = io.in_shapes[size_t(k)];
      if (!(w.empty() || (w.size() == 1 && w[0] == io.in_shapes[0].back()))) r.fail("a parameter does not fit the last axis");
    }
    same_dtypes(r, io);
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[0]);
  };
  reg("RMSNorm", 2, 2, [norm](Stream s, StateReader& r, const NodeIO& io) {
    float eps = r.f();
    norm(r, io);
    return std::make_shared<fast::RMSNorm>(s, eps);
  });
  reg("LayerNorm", 3, 3, [norm](Stream s, StateReader& r, const NodeIO& io) {
    float eps = r.f();
    norm(r, io);
    return std::make_shared<fast::LayerNorm>(s, eps);
  });
  reg("RoPE", 2, 3, [](Stream s, StateReader& r, const NodeIO& io) {
    int dims = r.at_least(1);
    bool trad = r.b();
    float base = r.f(), scale = r.f();
    bool fwd = r.b();
    rank_at_least(r, io, 2, 0);
    if (dims > io.in_shapes[0].back() || dims % 2) r.fail("its dims do not fit the last axis");
    integer_input(r, io, 1);
    if (io.rank(1) > 1) r.fail("its offset is not 0-d or 1-D");
    if (io.nin() == 3 && (io.in_dtypes[2] != float32 || io.in_shapes[2] != Shape{dims / 2}))
      r.fail("its frequencies do not fit its dims");
    keeps_dtype(r, io);
    out_shape(r, io, io.in_shapes[0]);
    return std::make_shared<fast::RoPE>(s, dims, trad, base, scale, fwd);
  });
  reg("ScaledDotProductAttention", 3, 5, [](Stream s, StateReader& r, const NodeIO& io) {
    float scale = r.f();
    bool causal = r.b(), mask = r.b(), sinks = r.b();
    if (io.nin() != 3 + int(mask) + int(sinks)) r.fail("its inputs do not match its mask and sinks");
    for (int k = 0; k < 3; ++k)
      if (io.rank(k) != 4) r.fail("its queries, keys or values are not 4-D");
    const Shape &q = io.in_shapes[0], &kk = io.in_shapes[1], &v = io.in_shapes[2];
    if (kk[0] != q[0] || v[0] != q[0] || kk[1] != v[1] || kk[2] != v[2] || kk[3] != q[3] || kk[1] < 1 || q[1] % kk[1])
      r.fail("its queries, keys and values do not fit together");
    same_dtypes(r, io, 0, 2);
    if (mask && io.in_shapes[3] != Shape{q[0], q[1], q[2], kk[2]}) r.fail("its mask does not fit the scores");
    if (mask && io.in_dtypes[3] != bool_ && io.in_dtypes[3] != io.in_dtypes[0]) r.fail("its mask dtype does not fit");
    if (sinks && (io.in_shapes[size_t(io.nin() - 1)] != Shape{q[1]} || io.in_dtypes[size_t(io.nin() - 1)] != io.in_dtypes[0]))
      r.fail("its sinks do not fit the heads");
    keeps_dtype(r, io);
    out_shape(r, io, Shape{q[0], q[1], q[2], v[3]});
    return std::make_shared<fast::ScaledDotProductAttention>(s, scale, causal, mask, sinks);
  });
  reg("Convolution", 2, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    auto st = r.ints(), lo = r.ints(), hi = r.ints(), kd = r.ints(), id = r.ints();
    size_t d = st.size();
    if (d < 1 || d > 3 || lo.size() != d || hi.size() != d || kd.size() != d || id.size() != d)
      r.fail("its parameter vectors differ in length");
    for (size_t k = 0; k < d; ++k)
      if (st[k] < 1 || lo[k] < 0 || hi[k] < 0 || kd[k] < 1 || id[k] < 1)
        r.fail("a stride, padding or dilation is out of range");
    int groups = r.at_least(1);
    bool flip = r.b();
    for (int k = 0; k < 2; ++k)
      if (io.rank(k) != int(d) + 2) r.fail("its input or weight has the wrong rank");
    const Shape &x = io.in_shapes[0], &w = io.in_shapes[1];
    if (x.back() != w.back() * groups || w[0] % groups) r.fail("its channels do not fit its groups");
    same_dtypes(r, io);
    keeps_dtype(r, io);
    return inferred(r, io, std::make_shared<Convolution>(s, st, lo, hi, kd, id, groups, flip));
  });
  // Packed weights: uint32 words holding 32 / bits values; one scale (and bias) per group.
  auto packed_scales = [](StateReader& r, const NodeIO& io, QuantMode m, int w, int sc) {
    if (io.in_dtypes[size_t(w)] != uint32) r.fail("its packed weights are not uint32");
    rank_at_least(r, io, 2, w);
    const Shape &ws = io.in_shapes[size_t(w)], &ss = io.in_shapes[size_t(sc)];
    if (ss.size() != ws.size() || !std::equal(ws.begin(), ws.end() - 1, ss.begin()))
      r.fail("its scales do not fit its weights");
    if (m == QuantMode::Affine) {
      if (io.in_shapes[size_t(sc + 1)] != ss || io.in_dtypes[size_t(sc + 1)] != io.in_dtypes[size_t(sc)])
        r.fail("its biases do not fit its scales");
    } else if (io.in_dtypes[size_t(sc)] != uint8) {
      r.fail("its scales are not uint8");
    }
  };
  reg("Quantize", 1, 2, [](Stream s, StateReader& r, const NodeIO& io) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    rank_at_least(r, io, 1, 0);
    Dtype t = io.in_dtypes[0];
    if (!is_floating(t) || t == float64) r.fail("its input is not float32, float16 or bfloat16");
    if (io.nin() == 2 && (m != QuantMode::Nvfp4 || io.in_shapes[1] != Shape{} || io.in_dtypes[1] != float32))
      r.fail("its global scale does not fit its mode");
    Shape w = io.in_shapes[0];
    int64_t K = w.back();
    if (K % gs || (K * bits) % 32) r.fail("its last axis does not fit its group size and bits");
    bool affine = m == QuantMode::Affine;
    if (io.nout() != (affine ? 3 : 2)) r.fail("its output count does not fit its mode");
    Shape wq = w, ss = w;
    wq.back() = int32_t(K * bits / 32);
    ss.back() = int32_t(K / gs);
    out_shape(r, io, wq, 0);
    for (int k = 1; k < io.nout(); ++k) out_shape(r, io, ss, k);
    if (io.out_dtypes[0] != uint32) r.fail("its packed output is not uint32");
    for (int k = 1; k < io.nout(); ++k)
      if (io.out_dtypes[size_t(k)] != (affine ? t : uint8)) r.fail("its scales have the wrong dtype");
    return std::make_shared<Quantize>(s, m, gs, bits);
  }, 2, 3);
  reg("Dequantize", 2, 3, [packed_scales](Stream s, StateReader& r, const NodeIO& io) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    bool has_dtype = r.b();
    Dtype dt = r.dtype();
    bool affine = m == QuantMode::Affine;
    if (affine && io.nin() != 3) r.fail("its inputs do not fit its mode");
    if (!affine && io.nin() == 3 && (m != QuantMode::Nvfp4 || io.in_shapes[2] != Shape{} || io.in_dtypes[2] != float32))
      r.fail("its global scale does not fit its mode");
    packed_scales(r, io, m, 0, 1);
    int64_t words = io.in_shapes[0].back(), out = words * 32 / bits;
    if ((words * 32) % bits || out != int64_t(io.in_shapes[1].back()) * gs) r.fail("its scales do not fit its weights");
    Shape os = io.in_shapes[0];
    os.back() = int32_t(out);
    out_shape(r, io, os);
    if (affine ? io.out_dtypes[0] != io.in_dtypes[1] : (!is_floating(io.out_dtypes[0]) || (has_dtype && dt != io.out_dtypes[0])))
      r.fail("its output dtype is not the one it computes");
    auto p = std::make_shared<Dequantize>(s, m, gs, bits);
    if (has_dtype) p->set_out_dtype(dt);
    return p;
  });
  // x @ dequantized w (transposed or not): the inner size and the output's last axis.
  auto qmm_dims = [](StateReader& r, const NodeIO& io, int bits, int gs, bool transpose, int64_t& outer) {
    const Shape &x = io.in_shapes[0], &w = io.in_shapes[1], &sc = io.in_shapes[2];
    rank_at_least(r, io, 1, 0);
    if (!is_floating(io.in_dtypes[0]) || io.in_dtypes[0] == float64) r.fail("its input is not float32, float16 or bfloat16");
    int64_t K = x.back(), wlast = int64_t(w.back()) * 32 / bits;
    int64_t inner = transpose ? wlast : w[w.size() - 2];
    outer = transpose ? w[w.size() - 2] : wlast;
    if (inner != K || (transpose ? K : outer) != int64_t(sc.back()) * gs) r.fail("its weights do not fit its input");
  };
  reg("QuantizedMatmul", 3, 4, [packed_scales, qmm_dims](Stream s, StateReader& r, const NodeIO& io) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    bool transpose = r.b();
    if (io.nin() != (m == QuantMode::Affine ? 4 : 3)) r.fail("its inputs do not fit its mode");
    packed_scales(r, io, m, 1, 2);
    if (m == QuantMode::Affine && io.in_dtypes[2] != io.in_dtypes[0]) r.fail("its scales differ from its input in dtype");
    int64_t outer;
    qmm_dims(r, io, bits, gs, transpose, outer);
    const Shape &x = io.in_shapes[0], &w = io.in_shapes[1];
    if (w.size() > 2) {
      rank_at_least(r, io, 2, 0);
      if (x.size() != w.size() || !std::equal(x.begin(), x.end() - 2, w.begin())) r.fail("its batch axes do not match");
    }
    Shape out = x;
    out.back() = int32_t(outer);
    out_shape(r, io, out);
    keeps_dtype(r, io);
    return std::make_shared<QuantizedMatmul>(s, m, gs, bits, transpose);
  });
  reg("GatherQMM", 5, 6, [packed_scales, qmm_dims](Stream s, StateReader& r, const NodeIO& io) {
    QuantMode m;
    int gs, bits;
    check_quant(r, m, gs, bits);
    bool transpose = r.b();
    if (io.nin() != (m == QuantMode::Affine ? 6 : 5)) r.fail("its inputs do not fit its mode");
    packed_scales(r, io, m, 1, 2);
    if (m == QuantMode::Affine && io.in_dtypes[2] != io.in_dtypes[0]) r.fail("its scales differ from its input in dtype");
    rank_at_least(r, io, 2, 0);
    int64_t outer;
    qmm_dims(r, io, bits, gs, transpose, outer);
    int nl = io.nin() - 2, nr = io.nin() - 1;
    if (io.in_dtypes[size_t(nl)] != uint32 || io.in_dtypes[size_t(nr)] != uint32 || io.in_shapes[size_t(nl)] != io.in_shapes[size_t(nr)])
      r.fail("its indices are not uint32 arrays of one shape");
    Shape out = io.in_shapes[size_t(nl)];
    out.push_back(io.in_shapes[0][io.in_shapes[0].size() - 2]);
    out.push_back(int32_t(outer));
    out_shape(r, io, out);
    keeps_dtype(r, io);
    return std::make_shared<GatherQMM>(s, m, gs, bits, transpose);
  });
}

}  // namespace detail

}  // namespace mlx::core
