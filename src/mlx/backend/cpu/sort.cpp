// CPU kernels of the primitives in primitives_sort.h.
//
// Sort and ArgSort map each element to an unsigned key whose integer order is MLX's order
// (NaN last, -0.0 == 0.0: both canonical), then sort keys with a stable LSD radix sort
// (8- or 11-bit digits, passes whose digit is the same for every key skipped); short rows use
// insertion sort or std::sort. One long row splits every radix pass over the cores; many rows
// go to the cores a block of rows at a time, rows along another axis a tile at a time. Sort
// writes values back from keys, then restores the exact bits of -0.0 and NaNs (in input order)
// where a row had any. complex64 uses std::stable_sort. Partition, ArgPartition and TopK select
// the kth key by byte histograms (MSD radix selection) and write smaller / equal / larger in
// one pass; SearchSorted runs interleaved binary searches over keys, or sorts many values and
// walks them along a sorted sequence.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <vector>

#include "mlx/allocator.h"
#include "mlx/primitives_sort.h"
#include "parallel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mlx::core {

namespace {

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;
template <typename T>
constexpr bool is_float_v = std::is_floating_point_v<T> || is_half_v<T>;
template <typename T>
constexpr bool is_cplx_v = std::is_same_v<T, complex64_t>;

// ---- scratch memory --------------------------------------------------------------------

// A buffer from the engine's allocator: its cache hands back freed blocks, where fresh pages
// would cost far more than the sort itself on large rows.
struct Scratch {
  allocator::Buffer b;
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    if (b.ptr) allocator::free(b);
  }
  template <typename U>
  U* get(size_t count) {
    size_t bytes = std::max<size_t>(count * sizeof(U), 64);
    if (b.size < bytes) {
      if (b.ptr) allocator::free(b);
      b = allocator::Buffer{};
      b = allocator::malloc(bytes);
    }
    return static_cast<U*>(b.ptr);
  }
};

// Runs f(begin, end) over [0, n) in blocks claimed one at a time by the pool's threads.
template <typename F>
void dynamic_for(size_t n, size_t block, F&& f) {
  block = std::max<size_t>(block, 1);
  size_t nblocks = (n + block - 1) / block;
  if (nblocks < 2 || cpu::num_threads() == 1) {
    if (n) f(size_t(0), n);
    return;
  }
  std::atomic<size_t> next{0};
  size_t workers = std::min<size_t>(size_t(cpu::num_threads()), nblocks);
  cpu::parallel_for(workers, 1, [&](size_t, size_t) {
    for (;;) {
      size_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= nblocks) return;
      f(b * block, std::min(n, (b + 1) * block));
    }
  });
}

// Runs f(t) for t in [0, nt) on nt threads at once (nt <= the pool's threads).
template <typename F>
void on_threads(int nt, F&& f) {
  if (nt <= 1) {
    f(0);
    return;
  }
  cpu::parallel_for(size_t(nt), 1, [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) f(int(t));
  });
}

// ---- keys: unsigned integers in MLX's order ----------------------------------------------

template <typename T>
using key_t = std::conditional_t<
    sizeof(T) == 1, uint8_t,
    std::conditional_t<sizeof(T) == 2, uint16_t,
                       std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;

// Bit patterns of infinity (the largest non-NaN magnitude) and of the canonical quiet NaN.
template <typename T>
struct FloatBits;
template <>
struct FloatBits<float> {
  static constexpr uint32_t inf = 0x7f800000u, nan = 0x7fc00000u;
};
template <>
struct FloatBits<double> {
  static constexpr uint64_t inf = 0x7ff0000000000000ull, nan = 0x7ff8000000000000ull;
};
template <>
struct FloatBits<float16_t> {
  static constexpr uint16_t inf = 0x7c00u, nan = 0x7e00u;
};
template <>
struct FloatBits<bfloat16_t> {
  static constexpr uint16_t inf = 0x7f80u, nan = 0x7fc0u;
};

template <typename T>
struct Key {
  using K = key_t<T>;
  static constexpr int W = int(sizeof(K) * 8);
  static constexpr K S = K(K(1) << (W - 1));  // sign bit
  static constexpr K ONES = K(~K(0));

  static K bits(T v) {
    K b;
    std::memcpy(&b, &v, sizeof(K));
    return b;
  }
  static T from_bits(K b) {
    T v;
    std::memcpy(&v, &b, sizeof(K));
    return v;
  }
  // Floats: NaN -> all ones, +-0 -> S, negatives have every bit flipped, positives the sign
  // bit set. Branch-free: signs of random data would defeat the predictor.
  static K of(T v) {
    if constexpr (std::is_same_v<T, bool>) {
      return K(v);
    } else if constexpr (is_float_v<T>) {
      K b = bits(v);
      K a = K(b & K(~S));
      K k = K(b ^ (K(K(0) - K(b >> (W - 1))) | S));
      k = a == 0 ? S : k;
      return a > FloatBits<T>::inf ? ONES : k;
    } else if constexpr (std::is_signed_v<T>) {
      return K(bits(v) ^ S);
    } else {
      return K(v);
    }
  }
  static T value(K k) {
    if constexpr (std::is_same_v<T, bool>) {
      return k != 0;
    } else if constexpr (is_float_v<T>) {
      K b = K(k ^ (K(K(k >> (W - 1)) - 1) | S));
      return from_bits(k == ONES ? FloatBits<T>::nan : b);
    } else if constexpr (std::is_signed_v<T>) {
      return from_bits(K(k ^ S));
    } else {
      return T(k);
    }
  }
  // A bijection onto keys whose order refines MLX's (-0.0 before 0.0, NaNs by their bits
  // after +inf): the standard sign-flip map, rotated down by the count of negative NaN
  // patterns so that those wrap around to the top. Selection on these moves values exactly.
  static K rkey(T v) {
    if constexpr (is_float_v<T>) {
      constexpr K C = K(K(~S) - FloatBits<T>::inf);
      K b = bits(v);
      return K(K(b ^ (K(K(0) - K(b >> (W - 1))) | S)) - C);
    } else {
      return of(v);
    }
  }
  static T from_rkey(K r) {
    if constexpr (is_float_v<T>) {
      constexpr K C = K(K(~S) - FloatBits<T>::inf);
      K k = K(r + C);
      return from_bits(K(k ^ (K(K(k >> (W - 1)) - 1) | S)));
    } else {
      return value(r);
    }
  }
  // Whether value(of(v)) loses v's bits: -0.0 and NaNs other than the canonical one.
  static bool special(T v) {
    if constexpr (is_float_v<T>) {
      K b = bits(v);
      K a = K(b & K(~S));
      return b == S || (a > FloatBits<T>::inf && b != FloatBits<T>::nan);
    } else {
      return false;
    }
  }
};

// MLX's order on values: NaN after everything, equal to another NaN.
template <typename T>
inline bool nan_less(const T& a, const T& b) {
  if constexpr (is_cplx_v<T>) {
    bool an = a.real() != a.real() || a.imag() != a.imag();
    bool bn = b.real() != b.real() || b.imag() != b.imag();
    if (an || bn) return !an && bn;
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
  } else if constexpr (is_half_v<T>) {
    return nan_less(float(a), float(b));
  } else if constexpr (std::is_floating_point_v<T>) {
    return a < b || (a == a && b != b);
  } else {
    return a < b;
  }
}

// ---- rows ---------------------------------------------------------------------------------

// The rows along one axis of an input (any strides) and of a row-contiguous output whose
// length along that axis is out_n. Grid dims (every other axis, size-1 dims dropped, merged
// where both layouts allow) are walked in row-major order.
struct Rows {
  size_t n = 0, out_n = 0, count = 0;
  int64_t in_stride = 0, out_stride = 0;
  std::vector<int64_t> size, sin, sout;

  Rows(const array& in, const array& out, int axis) {
    n = size_t(in.shape(axis));
    out_n = size_t(out.shape(axis));
    in_stride = in.strides()[axis];
    Strides os = row_strides(out.shape());
    out_stride = os[axis];
    count = 1;
    for (int d = 0; d < in.ndim(); ++d) {
      if (d == axis) continue;
      count *= size_t(in.shape(d));
      if (in.shape(d) == 1) continue;
      int64_t sz = in.shape(d), si = in.strides()[d], so = os[d];
      if (!size.empty() && sin.back() == si * sz && sout.back() == so * sz) {
        size.back() *= sz;
        sin.back() = si;
        sout.back() = so;
      } else {
        size.push_back(sz);
        sin.push_back(si);
        sout.push_back(so);
      }
    }
  }

  // Calls f(in_offset, out_offset) for rows [r0, r1) in order.
  template <typename F>
  void walk(size_t r0, size_t r1, F&& f) const {
    int nd = int(size.size());
    std::vector<int64_t> idx(nd, 0);
    int64_t oi = 0, oo = 0;
    size_t r = r0;
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = int64_t(r % size_t(size[d]));
      r /= size_t(size[d]);
      oi += idx[d] * sin[d];
      oo += idx[d] * sout[d];
    }
    for (size_t i = r0; i < r1; ++i) {
      f(oi, oo);
      for (int d = nd - 1; d >= 0; --d) {
        oi += sin[d];
        oo += sout[d];
        if (++idx[d] < size[d]) break;
        oi -= size[d] * sin[d];
        oo -= size[d] * sout[d];
        idx[d] = 0;
      }
    }
  }
};

// Calls f(work, in_offset, out_offset) for every row, blocks of rows spread over the cores;
// each block gets its own Work (scratch memory).
template <typename Work, typename F>
void for_rows(const Rows& R, size_t cost_per_row, F&& f) {
  size_t block = std::max<size_t>(1, (size_t(1) << 16) / std::max<size_t>(1, cost_per_row));
  dynamic_for(R.count, block, [&](size_t r0, size_t r1) {
    Work w;
    R.walk(r0, r1, [&](int64_t oi, int64_t oo) { f(w, oi, oo); });
  });
}

// ---- sort and argsort of one row ----------------------------------------------------------

// Scratch of one thread (or of one long row sorted by all threads).
struct SortWork {
  Scratch keys, idx, lines;
  std::vector<uint32_t> hist, off, start;
};

// Digit width: 8 bits for short rows (the bucket tables stay small) and one-byte or two-byte
// keys; 11 bits (three passes instead of four for 32-bit keys) for long rows of wider keys.
constexpr size_t kWideDigits = size_t(1) << 16;
// Rows from this length write through line buffers with non-temporal stores.
constexpr size_t kStreamRow = size_t(1) << 16;

// The exact bits of -0.0 and of NaNs, in input order, over the runs of +0.0 and canonical NaN
// that the keys gave back. Keys are sorted, so each run is found by binary search.
template <typename T>
void restore_specials(const T* src, int64_t ss, size_t n, T* dst, int64_t ds) {
  using KT = Key<T>;
  using K = typename KT::K;
  auto first = [&](auto pred) {  // first position where pred(key) holds
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (pred(KT::of(dst[int64_t(mid) * ds])))
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  };
  size_t z = first([](K k) { return k >= KT::S; });
  size_t q = first([](K k) { return k == KT::ONES; });
  for (size_t i = 0; i < n; ++i) {
    T v = src[int64_t(i) * ss];
    K a = K(KT::bits(v) & K(~KT::S));
    if (a == 0)
      dst[int64_t(z++) * ds] = v;
    else if (a > FloatBits<T>::inf)
      dst[int64_t(q++) * ds] = v;
  }
}

// ---- radix passes ---------------------------------------------------------------------------
//
// Why the passes are shaped as they are: on this machine (and any where speculative store
// bypass is disabled) a load waits until the addresses of all older stores are known. The
// textbook scatter `dst[off[digit(k)]++] = k` then chains every element to the previous one
// through two loads (the key, the slot) and runs at a quarter of the speed. Here a block's
// slots are computed first (stores to known addresses only), then stored with keys and slots
// read as 64-bit words, many lanes per load. Rows that do not fit the caches also write
// through per-bucket line buffers flushed with non-temporal stores (no read of each destination
// line before it is written).

constexpr size_t kBlock = 256;  // elements whose slots are computed before any is stored

// G consecutive values as lanes, one 8-byte load per word.
template <typename K, int G>
inline void load_lanes(const K* p, K* v) {
  constexpr int per = int(8 / sizeof(K));
#pragma GCC unroll 16
  for (int w = 0; w < G / per; ++w) {
    uint64_t x;
    std::memcpy(&x, p + w * per, 8);
#pragma GCC unroll 8
    for (int l = 0; l < per; ++l) v[w * per + l] = K(x >> ((8 * sizeof(K) * l) & 63));
  }
}

inline void stream_line(void* dst, const void* src) {
#if defined(__SSE2__)
  const __m128i* s = static_cast<const __m128i*>(src);
  __m128i* d = static_cast<__m128i*>(dst);
  _mm_stream_si128(d, s[0]);
  _mm_stream_si128(d + 1, s[1]);
  _mm_stream_si128(d + 2, s[2]);
  _mm_stream_si128(d + 3, s[3]);
#else
  std::memcpy(dst, src, 64);
#endif
}

inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// Per-bucket 64-byte line buffers in front of a 64-byte aligned destination: a line goes out
// with non-temporal stores when full and wholly inside the bucket's range [start, ...).
template <typename U>
struct WcLines {
  static constexpr uint32_t L = 64 / sizeof(U);
  U* base;
  U* lines;  // L slots per bucket, 64-byte aligned
  const uint32_t* start;
  void put(size_t d, uint32_t p, U v) {
    U* line = lines + d * L;
    line[p % L] = v;
    if (p % L == L - 1) {
      uint32_t s = p - (L - 1);
      if (s >= start[d])
        stream_line(base + s, line);
      else
        for (uint32_t q = start[d]; q <= p; ++q) base[q] = line[q % L];
    }
  }
  // Writes the slots still buffered: bucket d filled [start[d], end[d]).
  void finish(const uint32_t* end, size_t R) {
    for (size_t d = 0; d < R; ++d) {
      uint32_t e = end[d];
      uint32_t s = std::max(e - e % L, start[d]);
      for (uint32_t q = s; q < e; ++q) base[q] = lines[d * L + q % L];
    }
  }
};

// One pass over keys kin[b, e) (positions iin, or the index itself on the first pass):
// element i goes to slot off[digit]++ through put(digit, slot, key, position).
template <typename K, int B, bool First, bool HasIdx, typename Put>
void scatter_pass(const K* kin, const uint32_t* iin, size_t b, size_t e, int shift, uint32_t* off,
                  Put&& put) {
  constexpr K M = K((size_t(1) << B) - 1);
  alignas(64) uint32_t pos[kBlock];
  size_t i = b;
  for (; i + kBlock <= e; i += kBlock) {
    for (size_t j = 0; j < kBlock; j += 8) {
      K k[8];
      load_lanes<K, 8>(kin + i + j, k);
#pragma GCC unroll 8
      for (int l = 0; l < 8; ++l) pos[j + l] = off[size_t(K(k[l] >> shift) & M)]++;
    }
    for (size_t j = 0; j < kBlock; j += 8) {
      K k[8];
      uint32_t p[8], x[8] = {};
      load_lanes<K, 8>(kin + i + j, k);
      load_lanes<uint32_t, 8>(pos + j, p);
      if constexpr (HasIdx) {
        if constexpr (First) {
#pragma GCC unroll 8
          for (int l = 0; l < 8; ++l) x[l] = uint32_t(i + j + l);
        } else {
          load_lanes<uint32_t, 8>(iin + i + j, x);
        }
      }
#pragma GCC unroll 8
      for (int l = 0; l < 8; ++l) put(size_t(K(k[l] >> shift) & M), p[l], k[l], x[l]);
    }
  }
  for (; i < e; ++i) {
    K k = kin[i];
    size_t d = size_t(K(k >> shift) & M);
    uint32_t x = 0;
    if constexpr (HasIdx) x = First ? uint32_t(i) : iin[i];
    put(d, off[d]++, k, x);
  }
}

// Counts one digit of keys[b, e) into h.
template <typename K, int B>
void count_digit(const K* keys, size_t b, size_t e, int shift, uint32_t* h) {
  constexpr K M = K((size_t(1) << B) - 1);
  size_t i = b;
  for (; i + 8 <= e; i += 8) {
    K k[8];
    load_lanes<K, 8>(keys + i, k);
#pragma GCC unroll 8
    for (int l = 0; l < 8; ++l) h[size_t(K(k[l] >> shift) & M)]++;
  }
  for (; i < e; ++i) h[size_t(K(keys[i] >> shift) & M)]++;
}

// Counts the D digits of keys[b, e) into h[d * R + digit].
template <typename K, int B>
void count_digits(const K* keys, size_t b, size_t e, uint32_t* h) {
  constexpr int D = int((sizeof(K) * 8 + B - 1) / B);
  constexpr size_t R = size_t(1) << B;
  constexpr K M = K(R - 1);
  size_t i = b;
  for (; i + 8 <= e; i += 8) {
    K k[8];
    load_lanes<K, 8>(keys + i, k);
#pragma GCC unroll 8
    for (int l = 0; l < 8; ++l)
#pragma GCC unroll 8
      for (int d = 0; d < D; ++d) h[d * R + size_t(K(k[l] >> ((d * B) % (8 * sizeof(K)))) & M)]++;
  }
  for (; i < e; ++i)
    for (int d = 0; d < D; ++d) h[d * R + size_t(K(keys[i] >> ((d * B) % (8 * sizeof(K)))) & M)]++;
}

// LSD radix sort of one row: reads src (element stride ss), writes the sorted values to dst or,
// for argsort, the source positions to idst (stride ds). nt > 1 splits each pass over nt
// threads, each owning a contiguous chunk (slots are per chunk and bucket, so the sort stays
// stable).
template <typename T, bool Arg, int B>
void radix_row(const T* src, int64_t ss, size_t n, T* dst, uint32_t* idst, int64_t ds, int nt,
               SortWork& w) {
  using KT = Key<T>;
  using K = typename KT::K;
  constexpr int D = (KT::W + B - 1) / B;
  constexpr size_t R = size_t(1) << B;
  const bool wc = n >= kStreamRow;

  std::vector<size_t> cut(nt + 1);
  for (int t = 0; t <= nt; ++t) cut[t] = n * size_t(t) / size_t(nt);
  w.hist.assign(size_t(nt) * D * R, 0);
  w.off.resize(size_t(nt) * R);
  w.start.resize(size_t(nt) * R);
  uint32_t* H = w.hist.data();
  // Two halves each, the second starting on a 64-byte line (the line buffers need it).
  const size_t half = (n + 63) / 64 * 64;
  K* kbuf = w.keys.get<K>(2 * half);
  uint32_t* ibuf = Arg ? w.idx.get<uint32_t>(2 * half) : nullptr;
  // Line buffers: keys and positions, per thread.
  constexpr size_t kLines = R * 64;
  char* lines = wc ? w.lines.get<char>(size_t(nt) * 2 * kLines + 64) : nullptr;
  if (lines) lines += (64 - reinterpret_cast<uintptr_t>(lines) % 64) % 64;
  std::vector<char> special(nt, 0);

  // Keys in one buffer, every digit counted.
  on_threads(nt, [&](int t) {
    bool sp = false;
    for (size_t i = cut[t]; i < cut[t + 1]; ++i) {
      T v = src[int64_t(i) * ss];
      kbuf[i] = KT::of(v);
      if constexpr (is_float_v<T> && !Arg) sp |= KT::special(v);
    }
    special[t] = sp;
    count_digits<K, B>(kbuf, cut[t], cut[t + 1], H + size_t(t) * D * R);
  });
  bool any_special = std::any_of(special.begin(), special.end(), [](char c) { return c; });

  // Passes whose digit is the same for every key move nothing.
  int act[D], na = 0;
  for (int d = 0; d < D; ++d) {
    size_t total = 0, b0 = size_t(K(kbuf[0] >> (d * B)) & K(R - 1));
    for (int t = 0; t < nt; ++t) total += H[(size_t(t) * D + d) * R + b0];
    if (total != n) act[na++] = d;
  }
  if (na == 0) {  // every key equal: the input order is the sorted order
    on_threads(nt, [&](int t) {
      for (size_t i = cut[t]; i < cut[t + 1]; ++i) {
        if constexpr (Arg)
          idst[int64_t(i) * ds] = uint32_t(i);
        else
          dst[int64_t(i) * ds] = src[int64_t(i) * ss];
      }
    });
    return;
  }

  auto aligned = [](const void* p) { return reinterpret_cast<uintptr_t>(p) % 64 == 0; };
  int cur = 0;
  for (int j = 0; j < na; ++j) {
    int d = act[j];
    int shift = d * B;
    bool first = j == 0, last = j == na - 1;
    const K* kin = kbuf + size_t(cur) * half;
    const uint32_t* iin = Arg && !first ? ibuf + size_t(cur) * half : nullptr;
    K* kout = kbuf + size_t(1 - cur) * half;
    uint32_t* iout = Arg ? ibuf + size_t(1 - cur) * half : nullptr;

    // Chunk histograms of this digit where the keys now sit (one chunk: the totals hold).
    if (!first && nt > 1) {
      on_threads(nt, [&](int t) {
        uint32_t* h = H + (size_t(t) * D + d) * R;
        std::fill(h, h + R, 0u);
        count_digit<K, B>(kin, cut[t], cut[t + 1], shift, h);
      });
    }
    uint32_t sum = 0;
    for (size_t b = 0; b < R; ++b)
      for (int t = 0; t < nt; ++t) {
        w.start[size_t(t) * R + b] = w.off[size_t(t) * R + b] = sum;
        sum += H[(size_t(t) * D + d) * R + b];
      }

    auto run = [&](auto first_c) {
      constexpr bool F = decltype(first_c)::value;
      on_threads(nt, [&](int t) {
        uint32_t* off = w.off.data() + size_t(t) * R;
        const uint32_t* start = w.start.data() + size_t(t) * R;
        size_t b = cut[t], e = cut[t + 1];
        char* tl = lines ? lines + size_t(t) * 2 * kLines : nullptr;
        if (!last) {
          if (wc && aligned(kout) && (!Arg || aligned(iout))) {
            WcLines<K> lk{kout, reinterpret_cast<K*>(tl), start};
            WcLines<uint32_t> li{iout, reinterpret_cast<uint32_t*>(tl + kLines), start};
            scatter_pass<K, B, F, Arg>(kin, iin, b, e, shift, off,
                                       [&](size_t dg, uint32_t p, K k, uint32_t x) {
                                         lk.put(dg, p, k);
                                         if constexpr (Arg) li.put(dg, p, x);
                                       });
            lk.finish(off, R);
            if constexpr (Arg) li.finish(off, R);
            stream_fence();
          } else {
            scatter_pass<K, B, F, Arg>(kin, iin, b, e, shift, off,
                                       [&](size_t, uint32_t p, K k, uint32_t x) {
                                         kout[p] = k;
                                         if constexpr (Arg) iout[p] = x;
                                       });
          }
        } else if constexpr (Arg) {
          if (wc && ds == 1 && aligned(idst)) {
            WcLines<uint32_t> li{idst, reinterpret_cast<uint32_t*>(tl), start};
            scatter_pass<K, B, F, true>(kin, iin, b, e, shift, off,
                                        [&](size_t dg, uint32_t p, K, uint32_t x) { li.put(dg, p, x); });
            li.finish(off, R);
            stream_fence();
          } else {
            scatter_pass<K, B, F, true>(kin, iin, b, e, shift, off,
                                        [&](size_t, uint32_t p, K, uint32_t x) { idst[int64_t(p) * ds] = x; });
          }
        } else {
          if (wc && ds == 1 && aligned(dst)) {
            WcLines<K> lv{reinterpret_cast<K*>(dst), reinterpret_cast<K*>(tl), start};
            scatter_pass<K, B, F, false>(kin, iin, b, e, shift, off,
                                         [&](size_t dg, uint32_t p, K k, uint32_t) {
                                           lv.put(dg, p, KT::bits(KT::value(k)));
                                         });
            lv.finish(off, R);
            stream_fence();
          } else {
            scatter_pass<K, B, F, false>(kin, iin, b, e, shift, off,
                                         [&](size_t, uint32_t p, K k, uint32_t) {
                                           dst[int64_t(p) * ds] = KT::value(k);
                                         });
          }
        }
      });
    };
    if (first)
      run(std::true_type{});
    else
      run(std::false_type{});
    cur = 1 - cur;
  }
  if constexpr (!Arg && is_float_v<T>)
    if (any_special) restore_specials(src, ss, n, dst, ds);
}

// Short rows: keys (sort) or (key, position) pairs packed in one integer (argsort) sorted
// by insertion or std::sort.
template <typename T, bool Arg>
void short_row(const T* src, int64_t ss, size_t n, T* dst, uint32_t* idst, int64_t ds,
               SortWork& w) {
  using KT = Key<T>;
  using K = typename KT::K;
  auto sort_range = [n](auto* p, auto less) {
    if (n <= 24) {
      for (size_t i = 1; i < n; ++i) {
        auto x = p[i];
        size_t j = i;
        for (; j > 0 && less(x, p[j - 1]); --j) p[j] = p[j - 1];
        p[j] = x;
      }
    } else {
      std::sort(p, p + n, less);
    }
  };
  if constexpr (!Arg) {
    K* k = w.keys.get<K>(n);
    bool sp = false;
    for (size_t i = 0; i < n; ++i) {
      T v = src[int64_t(i) * ss];
      k[i] = KT::of(v);
      if constexpr (is_float_v<T>) sp |= KT::special(v);
    }
    sort_range(k, std::less<K>());
    for (size_t i = 0; i < n; ++i) dst[int64_t(i) * ds] = KT::value(k[i]);
    if constexpr (is_float_v<T>)
      if (sp) restore_specials(src, ss, n, dst, ds);
  } else if constexpr (sizeof(K) <= 4) {
    // (key << 32 | position): unique, so any sort is stable.
    uint64_t* c = w.keys.get<uint64_t>(n);
    for (size_t i = 0; i < n; ++i) c[i] = (uint64_t(KT::of(src[int64_t(i) * ss])) << 32) | i;
    sort_range(c, std::less<uint64_t>());
    for (size_t i = 0; i < n; ++i) idst[int64_t(i) * ds] = uint32_t(c[i]);
  } else {
    struct P {
      K k;
      uint32_t i;
    };
    P* c = w.keys.get<P>(n);
    for (size_t i = 0; i < n; ++i) c[i] = P{KT::of(src[int64_t(i) * ss]), uint32_t(i)};
    sort_range(c, [](const P& a, const P& b) { return a.k < b.k || (a.k == b.k && a.i < b.i); });
    for (size_t i = 0; i < n; ++i) idst[int64_t(i) * ds] = c[i].i;
  }
}

constexpr size_t kShortRow = 192;

template <typename T, bool Arg>
void sort_row(const T* src, int64_t ss, size_t n, T* dst, uint32_t* idst, int64_t ds, int nt,
              SortWork& w) {
  if (n == 0) return;
  if constexpr (is_cplx_v<T>) {
    // complex64: std::stable_sort on values (or positions), as MLX's CPU sort.
    if constexpr (Arg) {
      uint32_t* ix = w.idx.get<uint32_t>(n);
      T* v = w.keys.get<T>(n);
      for (size_t i = 0; i < n; ++i) v[i] = src[int64_t(i) * ss];
      std::iota(ix, ix + n, 0u);
      std::stable_sort(ix, ix + n, [v](uint32_t a, uint32_t b) { return nan_less(v[a], v[b]); });
      for (size_t i = 0; i < n; ++i) idst[int64_t(i) * ds] = ix[i];
    } else {
      T* v = w.keys.get<T>(n);
      for (size_t i = 0; i < n; ++i) v[i] = src[int64_t(i) * ss];
      std::stable_sort(v, v + n, [](const T& a, const T& b) { return nan_less(a, b); });
      for (size_t i = 0; i < n; ++i) dst[int64_t(i) * ds] = v[i];
    }
  } else {
    constexpr bool wide_keys = sizeof(T) >= 4;
    if (n <= kShortRow && nt == 1)
      short_row<T, Arg>(src, ss, n, dst, idst, ds, w);
    else if (wide_keys && n >= kWideDigits)
      radix_row<T, Arg, wide_keys ? 11 : 8>(src, ss, n, dst, idst, ds, nt, w);
    else
      radix_row<T, Arg, 8>(src, ss, n, dst, idst, ds, nt, w);
  }
}

constexpr size_t kTile = 16;
constexpr size_t kTileRow = size_t(1) << 16;  // longer strided rows are sorted one at a time

// Sort or ArgSort of every row along `axis`.
template <bool Arg>
void sort_rows(const array& in, array& out, int axis) {
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  Rows R(in, out, axis);
  int threads = cpu::num_threads();
  // One long row (or a few that would not share the cores evenly): every pass on all cores.
  bool split = R.n >= (size_t(1) << 16) && threads > 1 && R.count < size_t(2 * threads) &&
               R.count % size_t(threads) != 0;
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = in.data<T>();
    T* dst = Arg ? nullptr : out.data<T>();
    uint32_t* idst = Arg ? out.data<uint32_t>() : nullptr;
    if (split) {
      SortWork w;
      R.walk(0, R.count, [&](int64_t oi, int64_t oo) {
        sort_row<T, Arg>(src + oi, R.in_stride, R.n, dst ? dst + oo : nullptr,
                         idst ? idst + oo : nullptr, R.out_stride, threads, w);
      });
      return;
    }
    if ((R.in_stride == 1 && R.out_stride == 1) || R.n > kTileRow) {
      for_rows<SortWork>(R, R.n * 4, [&](SortWork& w, int64_t oi, int64_t oo) {
        sort_row<T, Arg>(src + oi, R.in_stride, R.n, dst ? dst + oo : nullptr,
                         idst ? idst + oo : nullptr, R.out_stride, 1, w);
      });
      return;
    }
    // Rows along another axis: neighbouring rows are neighbouring columns, so a tile of kTile
    // rows is gathered into contiguous rows (each source line read once), sorted there and
    // written back a tile at a time.
    using O = std::conditional_t<Arg, uint32_t, T>;
    O* obase = Arg ? reinterpret_cast<O*>(idst) : reinterpret_cast<O*>(dst);
    size_t n = R.n;
    size_t block = std::max<size_t>(kTile, ((size_t(1) << 16) / std::max<size_t>(1, n * 4)) / kTile * kTile);
    dynamic_for(R.count, block, [&](size_t r0, size_t r1) {
      SortWork w;
      Scratch tin, tout;
      T* a = tin.get<T>(kTile * n);
      O* o = tout.get<O>(kTile * n);
      std::vector<int64_t> oi, oo;
      R.walk(r0, r1, [&](int64_t i, int64_t j) {
        oi.push_back(i);
        oo.push_back(j);
      });
      for (size_t g0 = 0; g0 < oi.size(); g0 += kTile) {
        size_t g = std::min(kTile, oi.size() - g0);
        for (size_t i = 0; i < n; ++i)
          for (size_t r = 0; r < g; ++r) a[r * n + i] = src[oi[g0 + r] + int64_t(i) * R.in_stride];
        for (size_t r = 0; r < g; ++r) {
          if constexpr (Arg)
            sort_row<T, true>(a + r * n, 1, n, nullptr, o + r * n, 1, 1, w);
          else
            sort_row<T, false>(a + r * n, 1, n, o + r * n, nullptr, 1, 1, w);
        }
        for (size_t i = 0; i < n; ++i)
          for (size_t r = 0; r < g; ++r) obase[oo[g0 + r] + int64_t(i) * R.out_stride] = o[r * n + i];
      }
    });
  });
}

// ---- partition, argpartition, topk --------------------------------------------------------

struct PartWork {
  Scratch buf, idx, cand;
};

// The key of rank kth (ascending) among keys[0, n), by MSD radix selection: a histogram of the
// top byte finds the bucket holding rank kth, its keys move to a candidate buffer, and the next
// byte decides among them. Sets below / equal to the counts of keys smaller than / equal to it.
template <typename K>
K select_rank(const K* keys, size_t n, size_t kth, size_t& below, size_t& equal, PartWork& w) {
  constexpr int W = int(sizeof(K) * 8);
  K* buf = w.cand.get<K>(2 * (n + 1));
  const K* cur = keys;
  size_t m = n, rank = kth, smaller = 0, last = n;
  K key = 0;
  int side = 0;
  for (int shift = W - 8; shift >= 0; shift -= 8) {
    if (m <= 32) {  // few candidates left: sort them
      K small[32];
      std::copy(cur, cur + m, small);
      std::sort(small, small + m);
      K v = small[rank];
      size_t lo = size_t(std::lower_bound(small, small + m, v) - small);
      size_t hi = size_t(std::upper_bound(small, small + m, v) - small);
      below = smaller + lo;
      equal = hi - lo;
      return v;
    }
    uint32_t h[256] = {};
    count_digit<K, 8>(cur, 0, m, shift, h);
    size_t b = 0;
    while (rank >= h[b]) {
      rank -= h[b];
      smaller += h[b];
      ++b;
    }
    key = K(key | K(K(b) << shift));
    last = h[b];
    if (last == m || shift == 0) continue;  // every candidate shares this byte, or done
    K* dst = buf + size_t(side) * (n + 1);
    size_t j = 0;
    for (size_t i = 0; i < m; ++i) {  // branch-free filter
      K k = cur[i];
      dst[j] = k;
      j += size_t(K(k >> shift) & K(0xff)) == b;
    }
    cur = dst;
    m = j;
    side ^= 1;
  }
  below = smaller;
  equal = last;
  return key;
}

// Partitions one row at kth; writes positions [from, n) of the partitioned row to dst (stride
// ds): smaller elements, then those equal to the kth, then larger ones, each in input order.
// Refined keys (a bijection) make equal keys identical values, so the values come back exactly.
template <typename T>
void partition_row(const T* src, int64_t ss, size_t n, size_t kth, size_t from, T* dst,
                   int64_t ds, PartWork& w) {
  if constexpr (is_cplx_v<T>) {
    T* v = w.buf.get<T>(n);
    for (size_t i = 0; i < n; ++i) v[i] = src[int64_t(i) * ss];
    std::nth_element(v, v + kth, v + n, [](const T& a, const T& b) { return nan_less(a, b); });
    for (size_t i = from; i < n; ++i) dst[int64_t(i - from) * ds] = v[i];
  } else {
    using KT = Key<T>;
    using K = typename KT::K;
    K* c = w.buf.get<K>(n);
    for (size_t i = 0; i < n; ++i) c[i] = KT::rkey(src[int64_t(i) * ss]);
    size_t below, equal;
    K v = select_rank(c, n, kth, below, equal, w);
    T tv = KT::from_rkey(v);
    if (from == 0) {
      size_t lt = 0, gt = below + equal;
      for (size_t i = 0; i < n; ++i) {  // slots from counters, not loads
        K k = c[i];
        size_t d = k < v ? lt : gt;
        lt += k < v;
        gt += k > v;
        if (k != v) dst[int64_t(d) * ds] = KT::from_rkey(k);
      }
      for (size_t i = below; i < below + equal; ++i) dst[int64_t(i) * ds] = tv;
    } else {
      // The tail only (topk): copies of the kth first, then the larger elements.
      size_t g = below + equal - from;
      for (size_t i = 0; i < g; ++i) dst[int64_t(i) * ds] = tv;
      for (size_t i = 0; i < n; ++i)
        if (c[i] > v) dst[int64_t(g++) * ds] = KT::from_rkey(c[i]);
    }
  }
}

// Positions of one row partitioned at kth: smaller, equal, larger, each in input order.
template <typename T>
void argpartition_row(const T* src, int64_t ss, size_t n, size_t kth, uint32_t* dst, int64_t ds,
                      PartWork& w) {
  if constexpr (is_cplx_v<T>) {
    T* v = w.buf.get<T>(n);
    uint32_t* ix = w.idx.get<uint32_t>(n);
    for (size_t i = 0; i < n; ++i) v[i] = src[int64_t(i) * ss];
    std::iota(ix, ix + n, 0u);
    std::nth_element(ix, ix + kth, ix + n, [v](uint32_t a, uint32_t b) {
      return nan_less(v[a], v[b]) || (!nan_less(v[b], v[a]) && a < b);
    });
    for (size_t i = 0; i < n; ++i) dst[int64_t(i) * ds] = ix[i];
  } else {
    using KT = Key<T>;
    using K = typename KT::K;
    K* c = w.buf.get<K>(n);
    for (size_t i = 0; i < n; ++i) c[i] = KT::of(src[int64_t(i) * ss]);
    size_t below, equal;
    K v = select_rank(c, n, kth, below, equal, w);
    size_t lt = 0, eq = below, gt = below + equal;
    for (size_t i = 0; i < n; ++i) {
      K k = c[i];
      size_t d = k < v ? lt : k == v ? eq : gt;
      lt += k < v;
      eq += k == v;
      gt += k > v;
      dst[int64_t(d) * ds] = uint32_t(i);
    }
  }
}

// ---- searchsorted ------------------------------------------------------------------------

constexpr size_t kSearchChunk = 256;

// MLX's binary search (the first position where the sequence stops being below x) for many
// values at once: each of G lanes takes one step of its own search per round and prefetches
// its next probe, so the cache misses of the lanes overlap instead of following one another.
template <typename K, typename U, typename ToKey>
void bounds(const K* x, uint32_t* out, size_t count, uint32_t n, bool right, const U* base,
            int64_t stride, ToKey key) {
  constexpr size_t G = 16;
  for (size_t g0 = 0; g0 < count; g0 += G) {
    size_t g = std::min(G, count - g0);
    uint32_t lo[G], hi[G];
    for (size_t l = 0; l < g; ++l) {
      lo[l] = 0;
      hi[l] = n;
    }
    for (bool busy = n > 0; busy;) {
      busy = false;
      for (size_t l = 0; l < g; ++l) {
        if (lo[l] >= hi[l]) continue;
        uint32_t mid = lo[l] + (hi[l] - lo[l]) / 2;
        K mk = key(base[int64_t(mid) * stride]);
        K xv = x[g0 + l];
        bool below = right ? mk <= xv : mk < xv;
        lo[l] = below ? mid + 1 : lo[l];
        hi[l] = below ? hi[l] : mid;
        if (lo[l] < hi[l]) {
          __builtin_prefetch(base + int64_t(lo[l] + (hi[l] - lo[l]) / 2) * stride);
          busy = true;
        }
      }
    }
    for (size_t l = 0; l < g; ++l) out[g0 + l] = lo[l];
  }
}

}  // namespace

void Sort::eval_cpu(const std::vector<array>& inputs, array& out) {
  sort_rows<false>(inputs[0], out, axis_);
}

void ArgSort::eval_cpu(const std::vector<array>& inputs, array& out) {
  sort_rows<true>(inputs[0], out, axis_);
}

void Partition::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  Rows R(in, out, axis_);
  size_t kth = size_t(kth_);
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    for_rows<PartWork>(R, R.n * 2, [&](PartWork& w, int64_t oi, int64_t oo) {
      partition_row<T>(src + oi, R.in_stride, R.n, kth, 0, dst + oo, R.out_stride, w);
    });
  });
}

void ArgPartition::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  Rows R(in, out, axis_);
  size_t kth = size_t(kth_);
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = in.data<T>();
    uint32_t* dst = out.data<uint32_t>();
    for_rows<PartWork>(R, R.n * 2, [&](PartWork& w, int64_t oi, int64_t oo) {
      argpartition_row<T>(src + oi, R.in_stride, R.n, kth, dst + oo, R.out_stride, w);
    });
  });
}

void TopK::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& in = inputs[0];
  out.set_data(allocator::malloc(out.nbytes()));
  if (out.size() == 0) return;
  Rows R(in, out, axis_);
  size_t from = R.n - size_t(k_);
  dispatch_dtype(in.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    for_rows<PartWork>(R, R.n * 2, [&](PartWork& w, int64_t oi, int64_t oo) {
      partition_row<T>(src + oi, R.in_stride, R.n, from, from, dst + oo, R.out_stride, w);
    });
  });
}

void SearchSorted::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& a = inputs[0];
  const array& v = inputs[1];
  out.set_data(allocator::malloc(out.nbytes()));
  size_t m = out.size();
  if (m == 0) return;
  size_t n = a.size();
  int64_t as = a.ndim() ? a.strides()[0] : 0;
  bool right = right_;
  // The values as rows of their last dim (any strides); outputs are row-contiguous.
  int nd = v.ndim();
  size_t inner = nd ? size_t(v.shape(nd - 1)) : 1;
  int64_t vs = nd ? v.strides()[nd - 1] : 0;
  std::vector<int64_t> size, sv;
  for (int d = 0; d + 1 < nd; ++d) {
    size.push_back(v.shape(d));
    sv.push_back(v.strides()[d]);
  }
  auto row_offset = [&](size_t r) {
    int64_t off = 0;
    for (int d = int(size.size()) - 1; d >= 0; --d) {
      off += int64_t(r % size_t(size[d])) * sv[d];
      r /= size_t(size[d]);
    }
    return off;
  };
  size_t rows = m / inner;
  dispatch_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* pa = a.data<T>();
    const T* pv = v.data<T>();
    uint32_t* o = out.data<uint32_t>();
    if constexpr (is_cplx_v<T>) {
      // The same loop as MLX's: the first position where the sequence stops being below x.
      auto get = [&](uint32_t i) { return pa[int64_t(i) * as]; };
      auto bound = [&](const T& x) {
        uint32_t lo = 0, hi = uint32_t(n);
        while (lo < hi) {
          uint32_t mid = lo + (hi - lo) / 2;
          bool below = right ? !nan_less(x, get(mid)) : nan_less(get(mid), x);
          if (below)
            lo = mid + 1;
          else
            hi = mid;
        }
        return lo;
      };
      size_t per = std::max<size_t>(1, (size_t(1) << 14) / std::max<size_t>(1, inner * 8));
      dynamic_for(rows, per, [&](size_t r0, size_t r1) {
        for (size_t r = r0; r < r1; ++r) {
          const T* p = pv + row_offset(r);
          for (size_t i = 0; i < inner; ++i) o[r * inner + i] = bound(p[int64_t(i) * vs]);
        }
      });
    } else {
      // Keys compare in MLX's order (NaN last, -0.0 == 0.0) with integer compares. Many
      // searches read a contiguous copy of the sequence's keys.
      using KT = Key<T>;
      using K = typename KT::K;
      Scratch ks;
      bool copy = double(m) * std::log2(double(n) + 1) >= double(n) / 4;
      const K* ka = nullptr;
      bool sorted = false;
      if (copy) {
        K* c = ks.get<K>(n);
        std::atomic<bool> ok{true};
        cpu::parallel_for(n, size_t(1) << 16, [&](size_t b, size_t e) {
          bool up = true;
          for (size_t i = b; i < e; ++i) {
            c[i] = KT::of(pa[int64_t(i) * as]);
            up &= i == 0 || KT::of(pa[int64_t(i - 1) * as]) <= c[i];
          }
          if (!up) ok.store(false, std::memory_order_relaxed);
        });
        ka = c;
        sorted = ok.load();
      }
      // Many values into a sorted sequence: sort the values (stably, with their positions) and
      // walk both in one pass. The same answers as binary searches, which stay for an unsorted
      // sequence (where only MLX's own loop says what comes out).
      if (sorted && m >= 1024 && m >= n / 256) {
        Scratch xs, os;
        K* xk = xs.get<K>(m);
        dynamic_for(rows, std::max<size_t>(1, 4096 / inner), [&](size_t r0, size_t r1) {
          for (size_t r = r0; r < r1; ++r) {
            const T* p = pv + row_offset(r);
            for (size_t i = 0; i < inner; ++i) xk[r * inner + i] = KT::of(p[int64_t(i) * vs]);
          }
        });
        uint32_t* ord = os.get<uint32_t>(m);
        {
          SortWork w;
          int nt = m >= kWideDigits ? cpu::num_threads() : 1;
          sort_row<K, true>(xk, 1, m, nullptr, ord, 1, nt, w);
        }
        cpu::parallel_for(m, size_t(1) << 15, [&](size_t b, size_t e) {
          K x0 = xk[ord[b]];
          uint32_t j = 0, hi = uint32_t(n);
          while (j < hi) {  // where this chunk's first value goes
            uint32_t mid = j + (hi - j) / 2;
            if (right ? ka[mid] <= x0 : ka[mid] < x0)
              j = mid + 1;
            else
              hi = mid;
          }
          for (size_t t = b; t < e; ++t) {
            K x = xk[ord[t]];
            if (right)
              while (j < n && ka[j] <= x) ++j;
            else
              while (j < n && ka[j] < x) ++j;
            o[ord[t]] = j;
          }
        });
        return;
      }
      size_t per = std::max<size_t>(1, (size_t(1) << 12) / std::max<size_t>(1, inner));
      dynamic_for(rows, per, [&](size_t r0, size_t r1) {
        K xk[kSearchChunk];
        for (size_t r = r0; r < r1; ++r) {
          const T* p = pv + row_offset(r);
          for (size_t j0 = 0; j0 < inner; j0 += kSearchChunk) {
            size_t cnt = std::min(kSearchChunk, inner - j0);
            for (size_t j = 0; j < cnt; ++j) xk[j] = KT::of(p[int64_t(j0 + j) * vs]);
            uint32_t* dst = o + r * inner + j0;
            if (ka)
              bounds(xk, dst, cnt, uint32_t(n), right, ka, 1, [](K k) { return k; });
            else
              bounds(xk, dst, cnt, uint32_t(n), right, pa, as, [](T v) { return KT::of(v); });
          }
        }
      });
    }
  });
}

}  // namespace mlx::core
