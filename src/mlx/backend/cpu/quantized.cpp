// CPU kernels of primitives_quantized.h. Packed values are a little-endian bit stream, low bits
// first (MLX's layout for every width: 2, 4, 8 fill uint32 words, 3, 5, 6 cross them), so 32
// values always take exactly `bits` words and a group of 32 starts on a word boundary.
//
// quantized_matmul has two paths. Few rows of x: fused, each worker dequantizes one weight row
// (transpose) or one row segment (no transpose) into a float32 scratch that stays in L1 and
// runs dot products / axpys of every x row against it, so the float weight matrix never
// exists; work splits over the output columns (both cores through parallel.h). Many rows:
// tiles of about 2 MiB of weight rows are dequantized (both cores) into a reused float buffer
// that stays in cache and multiplied with sgemm (BLAS threads), so the product runs at GEMM
// speed while the float weights still never exist whole. Accumulation is float32 (as MLX's
// CPU).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "mlx/allocator.h"
#include "mlx/half_types.h"
#include "mlx/primitives_quantized.h"
#include "blas.h"
#include "parallel.h"

namespace mlx::core {

namespace {

constexpr float kFp4[16] = {+0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
                            -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};

// fp8 e4m3 (fn: no infinities, 0x7f / 0xff NaN) to float.
float fp8_to_float(uint8_t v) {
  int sign = v >> 7, e = (v >> 3) & 0xf, m = v & 7;
  float r;
  if (e == 15 && m == 7)
    r = std::numeric_limits<float>::quiet_NaN();
  else if (e == 0)
    r = std::ldexp(float(m), -9);
  else
    r = std::ldexp(1.0f + m / 8.0f, e - 7);
  return sign ? -r : r;
}

struct Fp8Table {
  float v[256];
  Fp8Table() {
    for (int i = 0; i < 256; ++i) v[i] = fp8_to_float(uint8_t(i));
  }
};
const Fp8Table& fp8_table() {
  static const Fp8Table t;
  return t;
}

// float to fp8 e4m3fn, round to nearest even, saturating to 448 (MLX's ToFP8, NaN included).
uint8_t float_to_fp8(float f) {
  uint32_t fb;
  std::memcpy(&fb, &f, 4);
  uint32_t sign = fb & 0x80000000u;
  fb ^= sign;
  uint8_t r;
  if (fb >= (543u << 21)) {
    r = 0x7e;
  } else if (fb < (121u << 23)) {
    // Subnormal range: adding 2^-6 (denorm_mask) lets the FPU round the mantissa.
    uint32_t dm = 141u << 23;
    float a, b;
    std::memcpy(&a, &fb, 4);
    std::memcpy(&b, &dm, 4);
    float c = a + b;
    uint32_t cb;
    std::memcpy(&cb, &c, 4);
    r = uint8_t(cb - dm);
  } else {
    uint32_t odd = (fb >> 20) & 1;
    fb += (uint32_t(7 - 127) << 23) + 0x7ffff;
    fb += odd;
    r = uint8_t(fb >> 20);
  }
  return r | uint8_t(sign >> 24);
}

inline float scale_value(uint8_t s, QuantMode m) {
  if (m == QuantMode::Nvfp4) return fp8_table().v[s];
  return std::ldexp(1.0f, int(s) - 127);  // e8m0
}

template <typename T>
inline float to_f(T v) {
  return float(v);
}

// The 32 integer codes of `bits`-bit values starting at word w.
template <int bits>
inline void unpack32(const uint32_t* w, int32_t* q) {
  constexpr uint32_t mask = (1u << bits) - 1;
  if constexpr (32 % bits == 0) {
    // Whole words: constant shifts the compiler unrolls (no word-crossing checks).
    constexpr int per = 32 / bits;
    for (int i = 0; i < bits; ++i) {
      uint32_t v = w[i];
      for (int j = 0; j < per; ++j) q[i * per + j] = (v >> (j * bits)) & mask;
    }
    return;
  }
  for (int i = 0; i < 32; ++i) {
    int off = i * bits, word = off >> 5, sh = off & 31;
    uint64_t v = w[word];
    if (sh + bits > 32) v |= uint64_t(w[word + 1]) << 32;
    q[i] = uint32_t(v >> sh) & mask;
  }
}

inline void unpack32_dyn(int bits, const uint32_t* w, int32_t* q) {
  switch (bits) {
    case 2: return unpack32<2>(w, q);
    case 3: return unpack32<3>(w, q);
    case 4: return unpack32<4>(w, q);
    case 5: return unpack32<5>(w, q);
    case 6: return unpack32<6>(w, q);
    default: return unpack32<8>(w, q);
  }
}

// Dequantizes n values (a multiple of 32, or of 16 for nvfp4, from a group boundary e0)
// of one packed row into float: affine q * scale + bias (two roundings, as MLX), fp modes
// code * scale.
template <typename S>
struct RowDequant {
  QuantMode mode;
  int gs, bits;
  // nvfp4's global decode factor g / (448 * 6) (1 without a global scale).
  float gmul = 1.0f;
  template <int B>
  static void affine(const uint32_t* w, const S* sc, const S* bi, int gs, size_t n, float* out) {
    int32_t q[32];  // signed: the int-to-float conversion vectorizes
    for (size_t i = 0; i < n; i += 32) {
      unpack32<B>(w + (i / 32) * B, q);
      float s = to_f(sc[i / gs]), b = to_f(bi[i / gs]);
      for (int j = 0; j < 32; ++j) {
        float p = float(q[j]) * s;
        out[i + j] = p + b;
      }
    }
  }
  void operator()(const uint32_t* w, const void* scales, const S* biases, size_t e0, size_t n,
                  float* out) const {
    const uint32_t* wp = w + e0 * bits / 32;
    if (mode == QuantMode::Affine) {
      const S* sc = static_cast<const S*>(scales) + e0 / gs;
      const S* bi = biases + e0 / gs;
      switch (bits) {
        case 2: return affine<2>(wp, sc, bi, gs, n, out);
        case 3: return affine<3>(wp, sc, bi, gs, n, out);
        case 4: return affine<4>(wp, sc, bi, gs, n, out);
        case 5: return affine<5>(wp, sc, bi, gs, n, out);
        case 6: return affine<6>(wp, sc, bi, gs, n, out);
        default: return affine<8>(wp, sc, bi, gs, n, out);
      }
    }
    const uint8_t* sc = static_cast<const uint8_t*>(scales) + e0 / gs;
    const float* lut = bits == 4 ? kFp4 : fp8_table().v;
    int32_t q[32];
    for (size_t i = 0; i < n; i += 32) {
      // nvfp4 rows may end half way through 32 values (groups of 16): the last words are
      // copied so that nothing past the row is read or written.
      size_t cnt = std::min<size_t>(32, n - i);
      const uint32_t* src = wp + (i / 32) * bits;
      uint32_t tail[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      if (cnt < 32) {
        std::copy(src, src + cnt * bits / 32, tail);
        src = tail;
      }
      unpack32_dyn(bits, src, q);
      if (gmul != 1.0f)
        for (size_t j = 0; j < cnt; ++j)
          out[i + j] = lut[q[j]] * (scale_value(sc[(i + j) / gs], mode) * gmul);
      else
        for (size_t j = 0; j < cnt; ++j)
          out[i + j] = lut[q[j]] * scale_value(sc[(i + j) / gs], mode);
    }
  }
};

void require_row(const array& a, const char* what) {
  if (!a.flags().row_contiguous)
    throw std::runtime_error(std::string("[quantized] internal: ") + what + " not row-contiguous");
}

// ---- quantize --------------------------------------------------------------------------------

template <typename T>
void quantize_affine(const T* w, uint32_t* out, T* scales, T* biases, int bits, int gs,
                     size_t n_groups) {
  float n_bins = float((1 << bits) - 1);
  const float eps = 1e-7f;
  size_t words = size_t(gs) * bits / 32;
  cpu::parallel_for(n_groups, 256, [&](size_t g0, size_t g1) {
    std::vector<uint32_t> q(gs);
    for (size_t g = g0; g < g1; ++g) {
      const T* x = w + g * gs;
      float mn = std::numeric_limits<float>::infinity(), mx = -mn;
      for (int j = 0; j < gs; ++j) {
        mx = std::max(mx, float(x[j]));
        mn = std::min(mn, float(x[j]));
      }
      // MLX: scale from the range; the edge of larger magnitude is represented exactly.
      bool mask = std::abs(mn) > std::abs(mx);
      float scale = std::max((mx - mn) / n_bins, eps);
      scale = mask ? scale : -scale;
      float edge = mask ? mn : mx;
      float q0 = std::rint(edge / scale);
      float bias = 0;
      if (q0 != 0) {
        scale = edge / q0;
        bias = edge;
      }
      for (int j = 0; j < gs; ++j) {
        float v = std::rint((float(x[j]) - bias) / scale);
        v = std::min(std::max(v, 0.0f), n_bins);
        q[j] = uint32_t(v);
      }
      uint32_t* o = out + g * words;
      std::fill(o, o + words, 0u);
      for (int j = 0; j < gs; ++j) {
        size_t off = size_t(j) * bits;
        o[off >> 5] |= q[j] << (off & 31);
        if ((off & 31) + bits > 32) o[(off >> 5) + 1] |= q[j] >> (32 - (off & 31));
      }
      scales[g] = T(scale);
      biases[g] = T(bias);
    }
  });
}

template <typename T>
void quantize_fp(const T* w, uint32_t* out, uint8_t* scales, QuantMode m, int bits, int gs,
                 size_t n_groups, const float* global_scale) {
  // nvfp4 with a global scale g: block scales encode (amax / 6) * (448 * 6) / g in fp8 and
  // values are divided by their decoded block scale over that factor, in float (MLX's kernels).
  float enc = global_scale ? (448.0f * 6.0f) / *global_scale : 1.0f;
  float maxval = bits == 4 ? 6.0f : 448.0f;
  size_t words = size_t(gs) * bits / 32;
  cpu::parallel_for(n_groups, 256, [&](size_t g0, size_t g1) {
    for (size_t g = g0; g < g1; ++g) {
      const T* x = w + g * gs;
      float amax = 0;
      for (int j = 0; j < gs; ++j) amax = std::max(amax, std::abs(float(x[j])));
      float sc = float(T(amax / maxval));  // MLX divides in w's dtype
      float div, mul = 0;
      if (global_scale) {
        uint8_t s8 = float_to_fp8((amax / maxval) * enc);
        scales[g] = s8;
        float dec = fp8_table().v[s8];
        mul = dec == 0 ? 0.0f : enc / dec;
        div = 1;
      } else if (m == QuantMode::Nvfp4) {
        uint8_t s8 = float_to_fp8(sc);
        scales[g] = s8;
        div = float(T(fp8_table().v[s8]));
      } else {
        int e = sc == 0 ? 0 : int(std::rint(std::log2(sc)));
        scales[g] = uint8_t(e + 127);
        div = float(T(std::ldexp(1.0f, e)));
      }
      uint32_t* o = out + g * words;
      std::fill(o, o + words, 0u);
      for (int j = 0; j < gs; ++j) {
        float v = global_scale ? float(x[j]) * mul : float(T(float(x[j]) / div));
        uint32_t code;
        if (bits == 8) {
          code = float_to_fp8(v);
        } else {
          // MLX: argmin of |v - lut| (the first on ties); a NaN gives code 0.
          code = 0;
          float best = std::abs(v - kFp4[0]);
          for (int c = 1; c < 16; ++c) {
            float d = std::abs(v - kFp4[c]);
            if (d < best) best = d, code = c;
          }
        }
        size_t off = size_t(j) * bits;
        o[off >> 5] |= code << (off & 31);
      }
    }
  });
}

template <typename T>
void dequantize_impl(const array& w, const array& scales, const array* biases, array& out,
                     QuantMode m, int gs, int bits, float gmul) {
  size_t K = out.shape(-1), rows = K ? out.size() / K : 0;
  size_t wrow = w.shape(-1), srow = scales.shape(-1);
  const uint32_t* wp = w.data<uint32_t>();
  T* op = out.data<T>();
  RowDequant<T> dq{m, gs, bits, gmul};
  const uint8_t* sp = scales.data<uint8_t>();
  size_t sb = scales.itemsize();
  const T* bp = biases ? biases->data<T>() : nullptr;
  cpu::parallel_for(rows, std::max<size_t>(1, 16384 / std::max<size_t>(K, 1)),
                    [&](size_t r0, size_t r1) {
                      std::vector<float> buf(K);
                      for (size_t r = r0; r < r1; ++r) {
                        dq(wp + r * wrow, reinterpret_cast<const char*>(sp) + r * srow * sb,
                           bp ? bp + r * srow : nullptr, 0, K, buf.data());
                        T* o = op + r * K;
                        for (size_t i = 0; i < K; ++i) o[i] = T(buf[i]);
                      }
                    });
}

// ---- quantized matmul --------------------------------------------------------------------------

inline float dot(const float* a, const float* b, size_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// One product: x (M, K) float, packed weight matrix (scales/biases at their rows) -> out (M, N).
// Columns [c0, c1) only; `scratch` holds K (transpose) or the segment's width floats.
template <typename S>
void qmm_cols(const float* x, const uint32_t* w, const char* sc, const S* bi, size_t sb, float* out,
              int M, int N, int K, bool transpose, const RowDequant<S>& dq, int c0, int c1,
              float* scratch) {
  if (transpose) {
    // w (N, K): row n dequantized once, dotted with every x row.
    size_t wrow = size_t(K) * dq.bits / 32, srow = K / dq.gs;
    for (int n = c0; n < c1; ++n) {
      dq(w + n * wrow, sc + n * srow * sb, bi ? bi + n * srow : nullptr, 0, K, scratch);
      for (int m = 0; m < M; ++m) out[size_t(m) * N + n] = dot(x + size_t(m) * K, scratch, K);
    }
    return;
  }
  // w (K, N): row k's segment [c0, c1) dequantized, then out[m, seg] += x[m, k] * seg.
  size_t wrow = size_t(N) * dq.bits / 32, srow = N / dq.gs;
  int width = c1 - c0;
  for (int m = 0; m < M; ++m) std::fill(out + size_t(m) * N + c0, out + size_t(m) * N + c1, 0.f);
  for (int k = 0; k < K; ++k) {
    dq(w + k * wrow, sc + k * srow * sb, bi ? bi + k * srow : nullptr, c0, width, scratch);
    for (int m = 0; m < M; ++m) {
      float a = x[size_t(m) * K + k];
      float* o = out + size_t(m) * N + c0;
      for (int j = 0; j < width; ++j) o[j] += a * scratch[j];
    }
  }
}

// From this many rows of x on, dequantized tiles + sgemm beat the fused kernel (bench/quantized.js
// with QBENCH_CROSSOVER=1 on a 4096x4096 4-bit weight: the fused kernel wins up to 12 rows,
// the tiles from 16).
constexpr int kGemmMinRows = 16;
// MLXJS_QMM_GEMM_ROWS overrides the crossover (bench/quantized.js measures both paths with it).
int gemm_min_rows() {
  static const int v = [] {
    const char* e = std::getenv("MLXJS_QMM_GEMM_ROWS");
    return e && *e ? std::max(1, std::atoi(e)) : kGemmMinRows;
  }();
  return v;
}
// Bytes of float weights per dequantized tile: stays in the shared L3 while the GEMM reads it
// (1-4 MiB measured alike; fewer, larger GEMM calls repack x less often).
constexpr size_t kTileBytes = size_t(2) << 20;

// One product through dequantized tiles: x (M, K) float, packed weights -> out (M, N) float.
template <typename S>
void qmm_gemm(const float* x, const uint32_t* w, const char* sc, const S* bi, size_t sb, float* out,
              int M, int N, int K, bool transpose, const RowDequant<S>& dq,
              std::vector<float>& buf) {
  // Rows of the weight matrix as stored: N rows of K (transpose) or K rows of N.
  int rows = transpose ? N : K, width = transpose ? K : N;
  size_t wrow = size_t(width) * dq.bits / 32, srow = width / dq.gs;
  int tile = int(std::max<size_t>(1, kTileBytes / (sizeof(float) * size_t(width))));
  tile = std::min(tile, rows);
  buf.resize(size_t(tile) * width);
  float* b = buf.data();
  for (int r0 = 0; r0 < rows; r0 += tile) {
    int nt = std::min(tile, rows - r0);
    cpu::parallel_for(size_t(nt), 4, [&](size_t a, size_t e) {
      for (size_t r = a; r < e; ++r) {
        size_t row = size_t(r0) + r;
        dq(w + row * wrow, sc + row * srow * sb, bi ? bi + row * srow : nullptr, 0, width,
           b + r * width);
      }
    });
    if (transpose)  // out[:, r0:r0+nt] = x @ tile^T
      cpu::sgemm(CblasNoTrans, CblasTrans, M, nt, K, 1.f, x, K, b, K, out + r0, N);
    else if (r0 == 0)  // out = x[:, 0:nt] @ tile
      cpu::sgemm(CblasNoTrans, CblasNoTrans, M, N, nt, 1.f, x, K, b, N, out, N);
    else  // out += x[:, r0:r0+nt] @ tile
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, nt, 1.f, x + r0, K, b, N, 1.f,
                  out, N);
  }
}

// Batched products: for b in [0, B): x batch xi(b), weight batch wi(b), out batch b.
template <typename T, typename XI, typename WI>
void qmm_impl(const std::vector<array>& in, array& out, QuantMode m, int gs, int bits,
              bool transpose, size_t B, int M, XI xi, WI wi) {
  bool affine = m == QuantMode::Affine;
  const array &x = in[0], &w = in[1], &scales = in[2];
  int K = x.shape(-1), N = out.shape(-1);
  size_t x_stride = size_t(M) * K;
  size_t w_stride = w.ndim() > 2 ? size_t(w.shape(-1)) * w.shape(-2) : 0;
  size_t s_stride = w.ndim() > 2 ? size_t(scales.shape(-1)) * scales.shape(-2) : 0;
  T* op = out.data<T>();
  if (out.size() == 0) return;
  if (K == 0) {
    std::fill(op, op + out.size(), T(0.0f));
    return;
  }
  RowDequant<T> dq{m, gs, bits};
  const char* sp = reinterpret_cast<const char*>(scales.data<uint8_t>());
  size_t sb = scales.itemsize();
  const T* bp = affine ? in[3].data<T>() : nullptr;
  const T* xp = x.data<T>();
  const uint32_t* wp = w.data<uint32_t>();
  std::vector<float> xf(x_stride), of(size_t(M) * N), tile;
  // Column chunks: whole weight rows (transpose) or 32-aligned segments.
  int chunk = transpose ? 1 : 256;
  size_t nchunks = (size_t(N) + chunk - 1) / chunk;
  size_t grain = std::max<size_t>(1, (size_t(1) << 16) / (size_t(K) * std::max(M, 1) * chunk + 1));
  for (size_t b = 0; b < B; ++b) {
    const T* xb = xp + xi(b) * x_stride;
    for (size_t i = 0; i < x_stride; ++i) xf[i] = float(xb[i]);
    size_t wb = wi(b);
    const uint32_t* wbp = wp + wb * w_stride;
    const char* sbp = sp + wb * s_stride * sb;
    const T* bbp = bp ? bp + wb * s_stride : nullptr;
    if (M >= gemm_min_rows()) {
      qmm_gemm<T>(xf.data(), wbp, sbp, bbp, sb, of.data(), M, N, K, transpose, dq, tile);
    } else {
      cpu::parallel_for(nchunks, grain, [&](size_t c0, size_t c1) {
        // A worker may get several chunks at once: the scratch holds all of them.
        int n0 = int(c0 * chunk), n1 = int(std::min<size_t>(c1 * chunk, N));
        std::vector<float> scratch(transpose ? K : n1 - n0);
        qmm_cols<T>(xf.data(), wbp, sbp, bbp, sb, of.data(), M, N, K, transpose, dq, n0, n1,
                    scratch.data());
      });
    }
    T* ob = op + b * size_t(M) * N;
    for (size_t i = 0; i < of.size(); ++i) ob[i] = T(of[i]);
  }
}

template <typename F>
void by_float(Dtype t, F&& f) {
  if (t == float32)
    f(float{});
  else if (t == float16)
    f(float16_t{});
  else if (t == bfloat16)
    f(bfloat16_t{});
  else
    throw std::invalid_argument("[quantized_matmul] only floating types are supported");
}

}  // namespace

void Quantize::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& w = inputs[0];
  require_row(w, "w");
  for (auto& o : outputs) o.set_data(allocator::malloc(o.nbytes()));
  size_t n_groups = w.size() / group_size_;
  by_float(w.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (mode_ == QuantMode::Affine)
      quantize_affine<T>(w.data<T>(), outputs[0].data<uint32_t>(), outputs[1].data<T>(),
                         outputs[2].data<T>(), bits_, group_size_, n_groups);
    else
      quantize_fp<T>(w.data<T>(), outputs[0].data<uint32_t>(), outputs[1].data<uint8_t>(), mode_,
                     bits_, group_size_, n_groups,
                     inputs.size() > 1 ? inputs[1].data<float>() : nullptr);
  });
}

void Dequantize::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  for (auto& a : inputs) require_row(a, "input");
  out.set_data(allocator::malloc(out.nbytes()));
  by_float(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    bool affine = mode_ == QuantMode::Affine;
    // The third input is affine's biases, or nvfp4's global scale.
    float gmul = !affine && inputs.size() > 2 ? *inputs[2].data<float>() / (448.0f * 6.0f) : 1.0f;
    dequantize_impl<T>(inputs[0], inputs[1], affine ? &inputs[2] : nullptr, out, mode_, group_size_,
                       bits_, gmul);
  });
}

void QuantizedMatmul::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  for (auto& a : inputs) require_row(a, "input");
  out.set_data(allocator::malloc(out.nbytes()));
  const array& w = inputs[1];
  const array& x = inputs[0];
  // 2-D weights: every row of x (all batches) is one matrix; batched: one product per batch.
  size_t B = 1;
  if (w.ndim() > 2 && x.shape(-1)) B = x.size() / (size_t(x.shape(-1)) * x.shape(-2));
  if (w.ndim() > 2 && x.size() == 0) B = 0;
  int K = x.shape(-1);
  int M = w.ndim() > 2 ? x.shape(-2) : (K ? int(x.size() / K) : (x.ndim() > 1 ? x.shape(-2) : 1));
  by_float(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    qmm_impl<T>(
        inputs, out, mode_, group_size_, bits_, transpose_, B, M, [](size_t b) { return b; },
        [&](size_t b) { return w.ndim() > 2 ? b : 0; });
  });
}

void GatherQMM::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  for (auto& a : inputs) require_row(a, "input");
  out.set_data(allocator::malloc(out.nbytes()));
  size_t ni = inputs.size();
  const array &lhs = inputs[ni - 2], &rhs = inputs[ni - 1];
  const array &x = inputs[0], &w = inputs[1];
  size_t bx = x.size() / std::max<size_t>(1, size_t(x.shape(-1)) * x.shape(-2));
  size_t bw = w.size() / std::max<size_t>(1, size_t(w.shape(-1)) * w.shape(-2));
  if (x.shape(-1) * x.shape(-2) == 0) {
    bx = 1;
    for (int i = 0; i < x.ndim() - 2; ++i) bx *= x.shape(i);
  }
  if (w.shape(-1) * w.shape(-2) == 0) {
    bw = 1;
    for (int i = 0; i < w.ndim() - 2; ++i) bw *= w.shape(i);
  }
  const uint32_t* li = lhs.data<uint32_t>();
  const uint32_t* ri = rhs.data<uint32_t>();
  for (size_t i = 0; i < lhs.size(); ++i)
    if (li[i] >= bx || ri[i] >= bw)
      throw std::out_of_range("[gather_qmm] Index " + std::to_string(li[i] >= bx ? li[i] : ri[i]) +
                              " is out of bounds for the batch of " + (li[i] >= bx ? "x" : "w") +
                              ".");
  // The per-batch strides of w/scales are taken from their trailing matrices.
  std::vector<array> in(inputs.begin(), inputs.end() - 2);
  by_float(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // Force the batched form (x's matrices are (M, K) and w's are indexed).
    qmm_impl<T>(
        in, out, mode_, group_size_, bits_, transpose_, lhs.size(), x.shape(-2),
        [&](size_t b) { return size_t(li[b]); }, [&](size_t b) { return size_t(ri[b]); });
  });
}

}  // namespace mlx::core
