// The FFT kernels, included by fft_isa.cpp once per instruction set inside its namespace
// (isa_generic, isa_avx2): no include guard and no includes here on purpose.
//
// Everything runs on 8 lines at once, one per float lane: an element of 8 lines is a Vc
// (8 real parts, 8 imaginary parts), so every butterfly is plain vertical SIMD whatever the
// radix or stride. Lines are gathered into lane buffers (zero padded), transformed by the
// plan, and scattered to their destination; a line too long for the lanes is transformed
// by FourStep (whose column and row steps are lane batches again) or Bluestein.

// Explicitly 32-byte aligned: in baseline code GCC would give these types 16 only.
typedef float v8 __attribute__((vector_size(32), aligned(32)));
typedef int i8v __attribute__((vector_size(32), aligned(32)));

struct Vc {
  v8 re, im;
};

#define FI [[gnu::always_inline]] inline

FI Vc operator+(const Vc& a, const Vc& b) { return {a.re + b.re, a.im + b.im}; }
FI Vc operator-(const Vc& a, const Vc& b) { return {a.re - b.re, a.im - b.im}; }
FI Vc operator*(const Vc& a, float s) { return {a.re * s, a.im * s}; }
FI Vc cmul(const Vc& a, cf w) { return {a.re * w.re - a.im * w.im, a.re * w.im + a.im * w.re}; }
FI Vc cmulv(const Vc& a, const Vc& w) { return {a.re * w.re - a.im * w.im, a.re * w.im + a.im * w.re}; }
FI Vc conjv(const Vc& a) { return {a.re, -a.im}; }
// Multiplies by -i (forward) or +i (inverse).
template <bool Fwd>
FI Vc rot(const Vc& a) {
  if constexpr (Fwd)
    return {a.im, -a.re};
  else
    return {-a.im, a.re};
}
FI v8 load8(const float* p) {
  v8 v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}
FI void store8(float* p, const v8& v) { __builtin_memcpy(p, &v, sizeof(v)); }
FI Vc zero_vc() { return {v8{}, v8{}}; }

// ---- radix passes ---------------------------------------------------------------------------
// Stockham pass of radix p: CC(i, m, k) = cc[i + ido (m + p k)] (m < p) becomes
// CH(i, k, q) = ch[i + ido (k + l1 q)] = W_{ido p}^{q i} sum_m CC(i, m, k) W_p^{m q}.
// tw[(q - 1) ido + i] holds W_{ido p}^{q i} (conjugated for the inverse).

template <bool Fwd>
void pass2(int64_t ido, int64_t l1, const Vc* cc, Vc* ch, const cf* tw) {
  const int64_t s = ido * l1;
  for (int64_t k = 0; k < l1; ++k) {
    const Vc* c = cc + 2 * ido * k;
    Vc* h = ch + ido * k;
    h[0] = c[0] + c[ido];
    h[s] = c[0] - c[ido];
    for (int64_t i = 1; i < ido; ++i) {
      Vc a0 = c[i], a1 = c[i + ido];
      h[i] = a0 + a1;
      h[i + s] = cmul(a0 - a1, tw[i]);
    }
  }
}

template <bool Fwd>
FI void bfly4(const Vc* c, int64_t ido, int64_t i, Vc& y0, Vc& y1, Vc& y2, Vc& y3) {
  Vc a0 = c[i], a1 = c[i + ido], a2 = c[i + 2 * ido], a3 = c[i + 3 * ido];
  Vc t0 = a0 + a2, t1 = a0 - a2, t2 = a1 + a3, t3 = rot<Fwd>(a1 - a3);
  y0 = t0 + t2;
  y1 = t1 + t3;
  y2 = t0 - t2;
  y3 = t1 - t3;
}

template <bool Fwd>
void pass4(int64_t ido, int64_t l1, const Vc* cc, Vc* ch, const cf* tw) {
  const int64_t s = ido * l1;
  for (int64_t k = 0; k < l1; ++k) {
    const Vc* c = cc + 4 * ido * k;
    Vc* h = ch + ido * k;
    Vc y0, y1, y2, y3;
    bfly4<Fwd>(c, ido, 0, y0, y1, y2, y3);
    h[0] = y0;
    h[s] = y1;
    h[2 * s] = y2;
    h[3 * s] = y3;
    for (int64_t i = 1; i < ido; ++i) {
      bfly4<Fwd>(c, ido, i, y0, y1, y2, y3);
      h[i] = y0;
      h[i + s] = cmul(y1, tw[i]);
      h[i + 2 * s] = cmul(y2, tw[ido + i]);
      h[i + 3 * s] = cmul(y3, tw[2 * ido + i]);
    }
  }
}

template <bool Fwd>
FI void bfly3(const Vc* c, int64_t ido, int64_t i, Vc& y0, Vc& y1, Vc& y2) {
  constexpr float s3 = 0.866025403784438646764f;  // sin(2 pi / 3)
  Vc a0 = c[i], a1 = c[i + ido], a2 = c[i + 2 * ido];
  Vc t = a1 + a2;
  y0 = a0 + t;
  Vc m = a0 - t * 0.5f;
  Vc d = rot<Fwd>(a1 - a2) * s3;
  y1 = m + d;
  y2 = m - d;
}

template <bool Fwd>
void pass3(int64_t ido, int64_t l1, const Vc* cc, Vc* ch, const cf* tw) {
  const int64_t s = ido * l1;
  for (int64_t k = 0; k < l1; ++k) {
    const Vc* c = cc + 3 * ido * k;
    Vc* h = ch + ido * k;
    Vc y0, y1, y2;
    bfly3<Fwd>(c, ido, 0, y0, y1, y2);
    h[0] = y0;
    h[s] = y1;
    h[2 * s] = y2;
    for (int64_t i = 1; i < ido; ++i) {
      bfly3<Fwd>(c, ido, i, y0, y1, y2);
      h[i] = y0;
      h[i + s] = cmul(y1, tw[i]);
      h[i + 2 * s] = cmul(y2, tw[ido + i]);
    }
  }
}

template <bool Fwd>
FI void bfly5(const Vc* c, int64_t ido, int64_t i, Vc* y) {
  constexpr float c1 = 0.309016994374947424102f, c2 = -0.809016994374947424102f;
  constexpr float s1 = 0.951056516295153572116f, s2 = 0.587785252292473129169f;
  Vc a0 = c[i], a1 = c[i + ido], a2 = c[i + 2 * ido], a3 = c[i + 3 * ido], a4 = c[i + 4 * ido];
  Vc t1 = a1 + a4, t2 = a2 + a3, t3 = a1 - a4, t4 = a2 - a3;
  y[0] = a0 + t1 + t2;
  Vc m1 = a0 + t1 * c1 + t2 * c2, m2 = a0 + t1 * c2 + t2 * c1;
  Vc n1 = rot<Fwd>(t3 * s1 + t4 * s2), n2 = rot<Fwd>(t3 * s2 - t4 * s1);
  y[1] = m1 + n1;
  y[4] = m1 - n1;
  y[2] = m2 + n2;
  y[3] = m2 - n2;
}

template <bool Fwd>
void pass5(int64_t ido, int64_t l1, const Vc* cc, Vc* ch, const cf* tw) {
  const int64_t s = ido * l1;
  for (int64_t k = 0; k < l1; ++k) {
    const Vc* c = cc + 5 * ido * k;
    Vc* h = ch + ido * k;
    Vc y[5];
    bfly5<Fwd>(c, ido, 0, y);
    for (int q = 0; q < 5; ++q) h[q * s] = y[q];
    for (int64_t i = 1; i < ido; ++i) {
      bfly5<Fwd>(c, ido, i, y);
      h[i] = y[0];
      for (int q = 1; q < 5; ++q) h[i + q * s] = cmul(y[q], tw[(q - 1) * ido + i]);
    }
  }
}

// Any odd prime p <= kMaxRadix: pairs q, p - q share the sums and differences of the
// symmetric inputs (p^2 / 2 multiply-adds per butterfly). cs[k] = (cos, sin)(2 pi k / p).
template <bool Fwd>
void passg(int p, int64_t ido, int64_t l1, const Vc* cc, Vc* ch, const cf* tw, const cf* cs) {
  const int64_t s = ido * l1;
  const int h = (p - 1) / 2;
  Vc sum[kMaxRadix / 2 + 1], dif[kMaxRadix / 2 + 1];
  for (int64_t k = 0; k < l1; ++k) {
    const Vc* c = cc + p * ido * k;
    Vc* o = ch + ido * k;
    for (int64_t i = 0; i < ido; ++i) {
      Vc a0 = c[i], y0 = a0;
      for (int m = 1; m <= h; ++m) {
        Vc x = c[i + m * ido], z = c[i + (p - m) * ido];
        sum[m] = x + z;
        dif[m] = x - z;
        y0 = y0 + sum[m];
      }
      o[i] = y0;
      for (int q = 1; q <= h; ++q) {
        Vc A = a0, B = zero_vc();
        int idx = 0;
        for (int m = 1; m <= h; ++m) {
          idx += q;
          if (idx >= p) idx -= p;
          A = A + sum[m] * cs[idx].re;
          B = B + dif[m] * cs[idx].im;
        }
        Vc yq = A + rot<Fwd>(B), yp = A - rot<Fwd>(B);
        if (i == 0) {
          o[q * s] = yq;
          o[(p - q) * s] = yp;
        } else {
          o[i + q * s] = cmul(yq, tw[(q - 1) * ido + i]);
          o[i + (p - q) * s] = cmul(yp, tw[(p - q - 1) * ido + i]);
        }
      }
    }
  }
}

// The Direct passes on a (input), ping-ponging with b; returns the buffer holding the result.
template <bool Fwd>
Vc* run_direct(const Plan& P, Vc* a, Vc* b) {
  const cf* tw = P.tw[Fwd ? 0 : 1].data();
  for (const auto& ps : P.passes) {
    const cf* t = tw + ps.tw_off;
    switch (ps.p) {
      case 4:
        pass4<Fwd>(ps.ido, ps.l1, a, b, t);
        break;
      case 2:
        pass2<Fwd>(ps.ido, ps.l1, a, b, t);
        break;
      case 3:
        pass3<Fwd>(ps.ido, ps.l1, a, b, t);
        break;
      case 5:
        pass5<Fwd>(ps.ido, ps.l1, a, b, t);
        break;
      default:
        passg<Fwd>(ps.p, ps.ido, ps.l1, a, b, t, P.cs.data() + ps.cs_off);
    }
    Vc* x = a;
    a = b;
    b = x;
  }
  return a;
}

// The transform of the lanes of a[0, n) (a and b hold P.lane_len() elements); returns the
// buffer holding the result. Bluestein: chirp, convolution by FFTs of length m, chirp.
template <bool Fwd>
Vc* run_lanes(const Plan& P, Vc* a, Vc* b) {
  if (P.direct) return run_direct<Fwd>(P, a, b);
  const int64_t n = P.n, m = P.m;
  const cf* w = P.chirp[Fwd ? 0 : 1].data();
  const cf* f = P.filt[Fwd ? 0 : 1].data();
  for (int64_t j = 0; j < n; ++j) a[j] = cmul(a[j], w[j]);
  for (int64_t j = n; j < m; ++j) a[j] = zero_vc();
  Vc* r = run_direct<true>(*P.pm, a, b);
  for (int64_t k = 0; k < m; ++k) r[k] = cmul(r[k], f[k]);
  r = run_direct<false>(*P.pm, r, r == a ? b : a);
  for (int64_t j = 0; j < n; ++j) r[j] = cmul(r[j], w[j]);
  return r;
}

// ---- lane buffers, gathers and scatters -----------------------------------------------------

struct LaneBufs {
  std::vector<Vc> a, b;
  void ensure(int64_t n) {
    if (int64_t(a.size()) < n) {
      a.assign(size_t(n), zero_vc());
      b.assign(size_t(n), zero_vc());
    }
  }
};
inline LaneBufs& lane_bufs(int64_t n) {
  static thread_local LaneBufs bufs;
  bufs.ensure(n);
  return bufs;
}

// Line offsets of lines l0 .. l0 + nl - 1 (nl <= 8); true when all 8 exist and are
// consecutive (one element of the 8 lines is then 8 adjacent values).
FI bool line_offsets(const Lines& L, int64_t l0, int nl, int64_t* off) {
  bool adj = nl == 8;
  for (int c = 0; c < nl; ++c) {
    off[c] = L.off(l0 + c);
    if (off[c] == kNoLine || off[c] != off[0] + c) adj = false;
  }
  return adj;
}

FI void deinterleave(const float* p, Vc& v) {
  v8 x0 = load8(p), x1 = load8(p + 8);
  v.re = __builtin_shuffle(x0, x1, i8v{0, 2, 4, 6, 8, 10, 12, 14});
  v.im = __builtin_shuffle(x0, x1, i8v{1, 3, 5, 7, 9, 11, 13, 15});
}
FI void interleave(float* p, const v8& re, const v8& im) {
  store8(p, __builtin_shuffle(re, im, i8v{0, 8, 1, 9, 2, 10, 3, 11}));
  store8(p + 8, __builtin_shuffle(re, im, i8v{4, 12, 5, 13, 6, 14, 7, 15}));
}

// In-place transpose of an 8 x 8 float matrix held as 8 row vectors.
FI void transpose8(v8* x) {
  v8 a[8], b[8];
  for (int r = 0; r < 8; r += 2) {
    a[r] = __builtin_shuffle(x[r], x[r + 1], i8v{0, 8, 1, 9, 4, 12, 5, 13});
    a[r + 1] = __builtin_shuffle(x[r], x[r + 1], i8v{2, 10, 3, 11, 6, 14, 7, 15});
  }
  for (int r = 0; r < 8; r += 4)
    for (int q = 0; q < 2; ++q) {
      b[r + q] = __builtin_shuffle(a[r + q], a[r + q + 2], i8v{0, 1, 8, 9, 4, 5, 12, 13});
      b[r + q + 2] = __builtin_shuffle(a[r + q], a[r + q + 2], i8v{2, 3, 10, 11, 6, 7, 14, 15});
    }
  // b[0..3] hold columns (0, 4), (2, 6), (1, 5), (3, 7) of rows 0-3 in their halves; b[4..7] of rows 4-7.
  const int col[4] = {0, 2, 1, 3};
  for (int q = 0; q < 4; ++q) {
    x[col[q]] = __builtin_shuffle(b[q], b[q + 4], i8v{0, 1, 2, 3, 8, 9, 10, 11});
    x[col[q] + 4] = __builtin_shuffle(b[q], b[q + 4], i8v{4, 5, 6, 7, 12, 13, 14, 15});
  }
}

// 8 lines of interleaved complex values, each contiguous (rows): element j of line c at
// p[c][j]. Four elements of the 8 lines are one 8 x 8 float transpose.
FI void gather_rows(const cf* const* p, int64_t cnt, Vc* V) {
  int64_t j = 0;
  for (; j + 4 <= cnt; j += 4) {
    v8 x[8];
    for (int c = 0; c < 8; ++c) x[c] = load8(reinterpret_cast<const float*>(p[c] + j));
    transpose8(x);
    for (int e = 0; e < 4; ++e) V[j + e] = {x[2 * e], x[2 * e + 1]};
  }
  float* F = reinterpret_cast<float*>(V);
  for (; j < cnt; ++j)
    for (int c = 0; c < 8; ++c) {
      F[16 * j + c] = p[c][j].re;
      F[16 * j + 8 + c] = p[c][j].im;
    }
}
FI void scatter_rows(const Vc* V, int64_t cnt, float scale, cf* const* p) {
  int64_t j = 0;
  for (; j + 4 <= cnt; j += 4) {
    v8 x[8];
    for (int e = 0; e < 4; ++e) {
      x[2 * e] = V[j + e].re * scale;
      x[2 * e + 1] = V[j + e].im * scale;
    }
    transpose8(x);
    for (int c = 0; c < 8; ++c) store8(reinterpret_cast<float*>(p[c] + j), x[c]);
  }
  const float* F = reinterpret_cast<const float*>(V);
  for (; j < cnt; ++j)
    for (int c = 0; c < 8; ++c) p[c][j] = {F[16 * j + c] * scale, F[16 * j + 8 + c] * scale};
}
// Whether 8 lines are all present rows (element stride 1).
FI bool all_rows(const Lines& L, int nl, const int64_t* off) {
  if (nl != 8 || L.es != 1) return false;
  for (int c = 0; c < 8; ++c)
    if (off[c] == kNoLine) return false;
  return true;
}

// Complex lines into V[0, n): element j < S.len of each line, zeros after and for missing lines.
void gather_c(const cf* src, const Lines& S, int64_t l0, int nl, int64_t n, Vc* V) {
  int64_t off[8];
  bool adj = line_offsets(S, l0, nl, off);
  const int64_t cnt = std::min(n, S.len);
  if (adj) {
    const cf* p = src + off[0];
    const int64_t es = S.es;
    for (int64_t j = 0; j < cnt; ++j) {
      __builtin_prefetch(p + (j + 8) * es);  // long strides defeat the hardware prefetcher
      deinterleave(reinterpret_cast<const float*>(p + j * es), V[j]);
    }
  } else if (all_rows(S, nl, off) && cnt > 0) {
    const cf* rows[8];
    for (int c = 0; c < 8; ++c) rows[c] = src + off[c];
    gather_rows(rows, cnt, V);
  } else {
    for (int64_t j = 0; j < cnt; ++j) V[j] = zero_vc();
    float* F = reinterpret_cast<float*>(V);
    for (int c = 0; c < nl; ++c) {
      if (off[c] == kNoLine) continue;
      const cf* p = src + off[c];
      const int64_t es = S.es;
      for (int64_t j = 0; j < cnt; ++j) {
        cf x = p[j * es];
        F[16 * j + c] = x.re;
        F[16 * j + 8 + c] = x.im;
      }
    }
  }
  for (int64_t j = std::max<int64_t>(cnt, 0); j < n; ++j) V[j] = zero_vc();
}

// Real lines as complex elements (imaginary parts zero).
void gather_rc(const float* src, const Lines& S, int64_t l0, int nl, int64_t n, Vc* V) {
  int64_t off[8];
  bool adj = line_offsets(S, l0, nl, off);
  const int64_t cnt = std::min(n, S.len);
  if (adj) {
    const float* p = src + off[0];
    for (int64_t j = 0; j < cnt; ++j) V[j] = {load8(p + j * S.es), v8{}};
  } else {
    for (int64_t j = 0; j < cnt; ++j) V[j] = zero_vc();
    float* F = reinterpret_cast<float*>(V);
    for (int c = 0; c < nl; ++c) {
      if (off[c] == kNoLine) continue;
      const float* p = src + off[c];
      for (int64_t j = 0; j < cnt; ++j) F[16 * j + c] = p[j * S.es];
    }
  }
  for (int64_t j = std::max<int64_t>(cnt, 0); j < n; ++j) V[j] = zero_vc();
}

// Real lines packed in pairs: V[j] = x[2j] + i x[2j + 1] for j < m.
void gather_packed(const float* src, const Lines& S, int64_t l0, int nl, int64_t m, Vc* V) {
  int64_t off[8];
  bool adj = line_offsets(S, l0, nl, off);
  const int64_t len = std::min(2 * m, S.len), full = len / 2;
  const int64_t es = S.es;
  if (adj) {
    const float* p = src + off[0];
    for (int64_t j = 0; j < full; ++j) V[j] = {load8(p + 2 * j * es), load8(p + (2 * j + 1) * es)};
    if (len % 2) V[full] = {load8(p + 2 * full * es), v8{}};
  } else if (all_rows(S, nl, off) && len % 2 == 0 && full > 0) {
    const cf* rows[8];
    for (int c = 0; c < 8; ++c) rows[c] = reinterpret_cast<const cf*>(src + off[c]);
    gather_rows(rows, full, V);
  } else {
    for (int64_t j = 0; j < (len + 1) / 2; ++j) V[j] = zero_vc();
    float* F = reinterpret_cast<float*>(V);
    for (int c = 0; c < nl; ++c) {
      if (off[c] == kNoLine) continue;
      const float* p = src + off[c];
      if (es == 1) {
        for (int64_t j = 0; j < full; ++j) {
          F[16 * j + c] = p[2 * j];
          F[16 * j + 8 + c] = p[2 * j + 1];
        }
      } else {
        for (int64_t j = 0; j < full; ++j) {
          F[16 * j + c] = p[2 * j * es];
          F[16 * j + 8 + c] = p[(2 * j + 1) * es];
        }
      }
      if (len % 2) F[16 * full + c] = p[2 * full * es];
    }
  }
  for (int64_t j = (len + 1) / 2; j < m; ++j) V[j] = zero_vc();
}

// V[0, cnt) times scale into complex lines.
void scatter_c(const Vc* V, int64_t cnt, float scale, cf* dst, const Lines& D, int64_t l0, int nl) {
  int64_t off[8];
  bool adj = line_offsets(D, l0, nl, off);
  if (adj) {
    cf* p = dst + off[0];
    const int64_t es = D.es;
    for (int64_t j = 0; j < cnt; ++j) {
      __builtin_prefetch(p + (j + 8) * es, 1);
      interleave(reinterpret_cast<float*>(p + j * es), V[j].re * scale, V[j].im * scale);
    }
    return;
  }
  if (all_rows(D, nl, off)) {
    cf* rows[8];
    for (int c = 0; c < 8; ++c) rows[c] = dst + off[c];
    scatter_rows(V, cnt, scale, rows);
    return;
  }
  const float* F = reinterpret_cast<const float*>(V);
  for (int c = 0; c < nl; ++c) {
    cf* p = dst + off[c];
    const int64_t es = D.es;
    for (int64_t j = 0; j < cnt; ++j) p[j * es] = {F[16 * j + c] * scale, F[16 * j + 8 + c] * scale};
  }
}

// Real parts of V[0, cnt) times scale into real lines.
void scatter_re(const Vc* V, int64_t cnt, float scale, float* dst, const Lines& D, int64_t l0, int nl) {
  int64_t off[8];
  bool adj = line_offsets(D, l0, nl, off);
  if (adj) {
    float* p = dst + off[0];
    for (int64_t j = 0; j < cnt; ++j) store8(p + j * D.es, V[j].re * scale);
    return;
  }
  const float* F = reinterpret_cast<const float*>(V);
  for (int c = 0; c < nl; ++c) {
    float* p = dst + off[c];
    for (int64_t j = 0; j < cnt; ++j) p[j * D.es] = F[16 * j + c] * scale;
  }
}

// Unpacks V[j] = x[2j] + i x[2j + 1] (j < m) times scale into real lines of length 2m.
void scatter_packed(const Vc* V, int64_t m, float scale, float* dst, const Lines& D, int64_t l0, int nl) {
  int64_t off[8];
  bool adj = line_offsets(D, l0, nl, off);
  const int64_t es = D.es;
  if (adj) {
    float* p = dst + off[0];
    for (int64_t j = 0; j < m; ++j) {
      store8(p + 2 * j * es, V[j].re * scale);
      store8(p + (2 * j + 1) * es, V[j].im * scale);
    }
    return;
  }
  if (all_rows(D, nl, off)) {
    cf* rows[8];
    for (int c = 0; c < 8; ++c) rows[c] = reinterpret_cast<cf*>(dst + off[c]);
    scatter_rows(V, m, scale, rows);
    return;
  }
  const float* F = reinterpret_cast<const float*>(V);
  for (int c = 0; c < nl; ++c) {
    float* p = dst + off[c];
    for (int64_t j = 0; j < m; ++j) {
      p[2 * j * es] = F[16 * j + c] * scale;
      p[(2 * j + 1) * es] = F[16 * j + 8 + c] * scale;
    }
  }
}

// ---- threads and temporaries ----------------------------------------------------------------

// f(begin, end) over [0, n) in blocks claimed one at a time by every thread, so a core that
// another process holds up delays one block, not half the work.
template <typename F>
void dynamic_for(int64_t n, int64_t block, F&& f) {
  block = std::max<int64_t>(block, 1);
  int64_t nblocks = (n + block - 1) / block;
  if (nblocks < 2 || cpu::num_threads() == 1) {
    if (n > 0) f(int64_t(0), n);
    return;
  }
  std::atomic<int64_t> next{0};
  size_t workers = std::min<size_t>(size_t(cpu::num_threads()), size_t(nblocks));
  cpu::parallel_for(workers, 1, [&](size_t, size_t) {
    for (;;) {
      int64_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= nblocks) return;
      f(b * block, std::min(n, (b + 1) * block));
    }
  });
}

// Lane groups per block: about 64 K element-transforms of work each.
inline int64_t group_block(int64_t len) { return std::max<int64_t>(1, (int64_t(1) << 13) / std::max<int64_t>(len, 1)); }

// A temporary of n complex values from the engine's allocator (its cache avoids fresh pages).
struct Temp {
  allocator::Buffer buf;
  explicit Temp(int64_t n) : buf(allocator::malloc(size_t(std::max<int64_t>(n, 1)) * sizeof(cf))) {}
  ~Temp() { allocator::free(buf); }
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
  cf* get() const { return static_cast<cf*>(buf.ptr); }
};

// ---- complex transforms ---------------------------------------------------------------------

// The FourStep twiddle of column line j2 = l0 + c (lane c), row k1: W_n^{j2 k1}.
struct Twist {
  const Plan* P;
};

template <bool Fwd>
FI void twist_lanes(const Plan& P, int64_t l0, const Vc* r, int64_t n1, Vc* out) {
  const Lane16* base = P.base[Fwd ? 0 : 1].data();
  for (int64_t k1 = 0; k1 < n1; ++k1) {
    int64_t e = l0 * k1;
    std::complex<double> s = P.lo[e % P.t] * P.hi[e / P.t];
    float sr = float(s.real()), si = float(Fwd ? s.imag() : -s.imag());
    Vc b{load8(base[k1].v), load8(base[k1].v + 8)};
    Vc w{b.re * sr - b.im * si, b.re * si + b.im * sr};
    out[k1] = cmulv(r[k1], w);
  }
}

template <bool Fwd>
void line_c2c(const Plan& P, const cf* s, int64_t ses, cf* d, int64_t des, float scale);

// Whether `count` lines of P go through the lanes (else one at a time).
inline bool use_lanes(const Plan& P, int64_t count) {
  return P.lanes() && (count >= 8 || P.n < 64 || !P.four);
}

template <bool Fwd>
void batch_c2c(const Plan& P, const void* src, bool src_real, const Lines& S, cf* dst, const Lines& D,
               int64_t count, const Twist* tw, float scale) {
  const int64_t n = P.n;
  if (use_lanes(P, count)) {
    const int64_t L = P.lane_len(), groups = (count + 7) / 8;
    dynamic_for(groups, group_block(L), [&](int64_t g0, int64_t g1) {
      LaneBufs& B = lane_bufs(L);
      for (int64_t g = g0; g < g1; ++g) {
        int64_t l0 = g * 8;
        int nl = int(std::min<int64_t>(8, count - l0));
        if (src_real)
          gather_rc(static_cast<const float*>(src), S, l0, nl, n, B.a.data());
        else
          gather_c(static_cast<const cf*>(src), S, l0, nl, n, B.a.data());
        Vc* r = run_lanes<Fwd>(P, B.a.data(), B.b.data());
        if (tw) twist_lanes<Fwd>(*tw->P, l0, r, n, r);
        scatter_c(r, n, scale, dst, D, l0, nl);
      }
    });
    return;
  }
  // One line at a time (each transform is parallel inside).
  for (int64_t l = 0; l < count; ++l) {
    cf* d = dst + D.off(l);
    int64_t so = S.off(l);
    if (so == kNoLine || S.len <= 0) {
      for (int64_t k = 0; k < n; ++k) d[k * D.es] = {0.0f, 0.0f};
      continue;
    }
    if (src_real || S.len < n) {
      Temp t(n);
      cf* z = t.get();
      int64_t cnt = std::min(n, S.len);
      if (src_real) {
        const float* p = static_cast<const float*>(src) + so;
        for (int64_t j = 0; j < cnt; ++j) z[j] = {p[j * S.es], 0.0f};
      } else {
        const cf* p = static_cast<const cf*>(src) + so;
        for (int64_t j = 0; j < cnt; ++j) z[j] = p[j * S.es];
      }
      for (int64_t j = cnt; j < n; ++j) z[j] = {0.0f, 0.0f};
      line_c2c<Fwd>(P, z, 1, d, D.es, scale);
    } else {
      line_c2c<Fwd>(P, static_cast<const cf*>(src) + so, S.es, d, D.es, scale);
    }
    if (tw) {
      for (int64_t k = 0; k < n; ++k) {
        int64_t e = l * k;
        std::complex<double> w = tw->P->lo[e % tw->P->t] * tw->P->hi[e / tw->P->t];
        if (!Fwd) w = std::conj(w);
        cf& x = d[k * D.es];
        const float wr = float(w.real()), wi = float(w.imag());
        x = {x.re * wr - x.im * wi, x.re * wi + x.im * wr};
      }
    }
  }
}

// FourStep of one line: n2 columns of length n1 (stride n2) into tmp with the twiddles, then
// n1 rows of length n2 written transposed.
// FourStep with both children in lanes: the column step keeps each group's lanes as they
// are (blocks of n1 Vc, contiguous), and the row step turns 8 x 8 blocks of them around
// (rows become lanes), so the intermediate is written and read contiguously.
template <bool Fwd>
void four_step_lanes(const Plan& P, const cf* s, int64_t ses, cf* d, int64_t des, float scale) {
  const int64_t n1 = P.n1, n2 = P.n2, g2 = (n2 + 7) / 8, g1 = (n1 + 7) / 8;
  const Plan &P1 = *P.p1, &P2 = *P.p2;
  Temp t(g2 * n1 * 8);  // g2 blocks of n1 Vc (a Vc is 8 cf)
  Vc* tmp = reinterpret_cast<Vc*>(t.get());
  Lines SA;
  SA.inner = n2;
  SA.inner_stride = ses;
  SA.es = n2 * ses;
  SA.len = n1;
  const int64_t LA = P1.lane_len();
  dynamic_for(g2, group_block(LA), [&](int64_t b, int64_t e) {
    LaneBufs& B = lane_bufs(LA);
    for (int64_t g = b; g < e; ++g) {
      gather_c(s, SA, 8 * g, int(std::min<int64_t>(8, n2 - 8 * g)), n1, B.a.data());
      Vc* r = run_lanes<Fwd>(P1, B.a.data(), B.b.data());
      twist_lanes<Fwd>(P, 8 * g, r, n1, tmp + g * n1);
    }
  });
  Lines DB;
  DB.inner = n1;
  DB.inner_stride = des;
  DB.es = n1 * des;
  const int64_t LB = std::max(P2.lane_len(), 8 * g2);
  dynamic_for(g1, group_block(LB), [&](int64_t b, int64_t e) {
    LaneBufs& B = lane_bufs(LB);
    for (int64_t h = b; h < e; ++h) {
      const int rows = int(std::min<int64_t>(8, n1 - 8 * h));
      Vc* V = B.a.data();
      for (int64_t g = 0; g < g2; ++g) {
        const Vc* blk = tmp + g * n1 + 8 * h;
        v8 re[8], im[8];
        for (int r = 0; r < 8; ++r) {
          re[r] = r < rows ? blk[r].re : v8{};
          im[r] = r < rows ? blk[r].im : v8{};
        }
        transpose8(re);
        transpose8(im);
        for (int c = 0; c < 8; ++c) V[8 * g + c] = {re[c], im[c]};
      }
      Vc* r = run_lanes<Fwd>(P2, V, B.b.data());
      scatter_c(r, n2, scale, d, DB, 8 * h, rows);
    }
  });
}

template <bool Fwd>
void four_step(const Plan& P, const cf* s, int64_t ses, cf* d, int64_t des, float scale) {
  const int64_t n1 = P.n1, n2 = P.n2;
  if (P.p1->lanes() && P.p2->lanes()) return four_step_lanes<Fwd>(P, s, ses, d, des, scale);
  Temp t(P.n);
  cf* tmp = t.get();
  Lines SA;
  SA.inner = n2;
  SA.inner_stride = ses;
  SA.es = n2 * ses;
  SA.len = n1;
  Lines DA;
  DA.inner = n2;
  DA.inner_stride = 1;
  DA.es = n2;
  Twist tw{&P};
  batch_c2c<Fwd>(*P.p1, s, false, SA, tmp, DA, n2, &tw, 1.0f);
  Lines SB;
  SB.inner = n1;
  SB.inner_stride = n2;
  SB.es = 1;
  SB.len = n2;
  Lines DB;
  DB.inner = n1;
  DB.inner_stride = des;
  DB.es = n1 * des;
  batch_c2c<Fwd>(*P.p2, tmp, false, SB, d, DB, n1, nullptr, scale);
}

// Bluestein of one long line, with FFTs of length m as lines themselves.
template <bool Fwd>
void blue_line(const Plan& P, const cf* s, int64_t ses, cf* d, int64_t des, float scale) {
  const int64_t n = P.n, m = P.m;
  const cf* w = P.chirp[Fwd ? 0 : 1].data();
  const cf* f = P.filt[Fwd ? 0 : 1].data();
  Temp t(m);
  cf* a = t.get();
  auto mul = [](cf x, cf y) { return cf{x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re}; };
  for (int64_t j = 0; j < n; ++j) a[j] = mul(s[j * ses], w[j]);
  for (int64_t j = n; j < m; ++j) a[j] = {0.0f, 0.0f};
  line_c2c<true>(*P.pm, a, 1, a, 1, 1.0f);
  for (int64_t k = 0; k < m; ++k) a[k] = mul(a[k], f[k]);
  line_c2c<false>(*P.pm, a, 1, a, 1, 1.0f);
  for (int64_t k = 0; k < n; ++k) {
    cf y = mul(a[k], w[k]);
    d[k * des] = {y.re * scale, y.im * scale};
  }
}

template <bool Fwd>
void line_c2c(const Plan& P, const cf* s, int64_t ses, cf* d, int64_t des, float scale) {
  if (P.four) return four_step<Fwd>(P, s, ses, d, des, scale);
  if (!P.lanes()) return blue_line<Fwd>(P, s, ses, d, des, scale);
  Lines S;
  S.es = ses;
  S.len = P.n;
  Lines D;
  D.es = des;
  LaneBufs& B = lane_bufs(P.lane_len());
  gather_c(s, S, 0, 1, P.n, B.a.data());
  Vc* r = run_lanes<Fwd>(P, B.a.data(), B.b.data());
  scatter_c(r, P.n, scale, d, D, 0, 1);
}

void c2c(const Plan& P, const void* src, bool src_real, const Lines& S, cf* dst, const Lines& D,
         int64_t count, bool forward, float scale) {
  if (forward)
    batch_c2c<true>(P, src, src_real, S, dst, D, count, nullptr, scale);
  else
    batch_c2c<false>(P, src, src_real, S, dst, D, count, nullptr, scale);
}

// ---- real transforms ------------------------------------------------------------------------
// Even n: the real line packed as z[j] = x[2j] + i x[2j + 1] (m = n / 2) goes through one
// complex FFT of length m; X[k] = E[k] + W_n^k O[k] with E, O = the halves of Z[k] and
// conj(Z[m - k]). The inverse builds Z from X the same way and unpacks. Odd n runs the full
// complex transform.

// X[0, m] from Z[0, m) (lanes).
FI void post_r2c(const Vc* z, Vc* x, int64_t m, const cf* rt) {
  for (int64_t k = 0; k <= m; ++k) {
    Vc zk = z[k == m ? 0 : k], zc = conjv(z[k == 0 ? 0 : m - k]);
    Vc e = (zk + zc) * 0.5f, o = rot<true>(zk - zc) * 0.5f;
    x[k] = e + cmul(o, rt[k]);
  }
}

// Z[0, m) from X[0, m] (lanes; imaginary parts of X[0] and X[m] ignored).
FI void pre_c2r(Vc* x, Vc* z, int64_t m, const cf* rt) {
  x[0].im = v8{};
  x[m].im = v8{};
  for (int64_t k = 0; k < m; ++k) {
    Vc xk = x[k], xc = conjv(x[m - k]);
    cf w{rt[k].re, -rt[k].im};
    z[k] = (xk + xc) + rot<false>(cmul(xk - xc, w));
  }
}

FI v8 reverse8(const v8& v) { return __builtin_shuffle(v, i8v{7, 6, 5, 4, 3, 2, 1, 0}); }

// The pair (k, j = h - k) of a real transform, from E = (Z[k] + conj Z[j]) / 2 and
// O = -i (Z[k] - conj Z[j]) / 2 with t = W^k O: X[k] = E + t and X[j] = conj(E - t)
// (W^j = -conj W^k).
FI void r2c_pair(cf zk, cf zj, cf w, float scale, cf& xk, cf& xj) {
  float er = 0.5f * (zk.re + zj.re), ei = 0.5f * (zk.im - zj.im);
  float orr = 0.5f * (zk.im + zj.im), oi = -0.5f * (zk.re - zj.re);
  float tr = orr * w.re - oi * w.im, ti = orr * w.im + oi * w.re;
  xk = {(er + tr) * scale, (ei + ti) * scale};
  xj = {(er - tr) * scale, -(ei - ti) * scale};
}

// X[k], X[h - k] for 0 < k <= h / 2 from Z in place (d[0] and d[h] done by the caller); both
// cores, 8 pairs per vector step where the line is contiguous.
void post_r2c_line(cf* d, int64_t des, int64_t h, const cf* rt, float scale) {
  dynamic_for(h / 2, 1 << 13, [&](int64_t b, int64_t e) {
    int64_t k = b + 1;
    if (des == 1) {
      // Blocks k .. k + 7 whose mirror h - k - 7 .. h - k lies wholly above them.
      for (; k + 7 <= e && 2 * k + 15 <= h; k += 8) {
        Vc zk, zj, w;
        deinterleave(reinterpret_cast<const float*>(d + k), zk);
        deinterleave(reinterpret_cast<const float*>(d + h - k - 7), zj);
        deinterleave(reinterpret_cast<const float*>(rt + k), w);
        zj = {reverse8(zj.re), reverse8(zj.im)};
        Vc zc = conjv(zj);
        Vc E = (zk + zc) * 0.5f, O = rot<true>(zk - zc) * 0.5f;
        Vc t = cmulv(O, w);
        Vc xk = (E + t) * scale, xj = conjv(E - t) * scale;
        interleave(reinterpret_cast<float*>(d + k), xk.re, xk.im);
        interleave(reinterpret_cast<float*>(d + h - k - 7), reverse8(xj.re), reverse8(xj.im));
      }
    }
    for (; k <= e; ++k) {
      int64_t j = h - k;
      cf xk, xj;
      r2c_pair(d[k * des], d[j * des], rt[k], scale, xk, xj);
      d[k * des] = xk;
      d[j * des] = xj;
    }
  });
}

void r2c(const RealPlan& R, const float* src, const Lines& S, cf* dst, const Lines& D, int64_t count,
         float scale) {
  const Plan& P = *R.c;
  const int64_t n = R.n, h = n / 2;
  const bool even = n % 2 == 0;
  const cf* rt = R.rt.data();
  if (use_lanes(P, count)) {
    const int64_t L = std::max(P.lane_len(), h + 1), groups = (count + 7) / 8;
    dynamic_for(groups, group_block(L), [&](int64_t g0, int64_t g1) {
      LaneBufs& B = lane_bufs(L);
      for (int64_t g = g0; g < g1; ++g) {
        int64_t l0 = g * 8;
        int nl = int(std::min<int64_t>(8, count - l0));
        if (even) {
          gather_packed(src, S, l0, nl, h, B.a.data());
          Vc* r = run_lanes<true>(P, B.a.data(), B.b.data());
          Vc* x = r == B.a.data() ? B.b.data() : B.a.data();
          post_r2c(r, x, h, rt);
          scatter_c(x, h + 1, scale, dst, D, l0, nl);
        } else {
          gather_rc(src, S, l0, nl, n, B.a.data());
          Vc* r = run_lanes<true>(P, B.a.data(), B.b.data());
          r[0].im = v8{};  // exactly 0 for a real input (the complex transform rounds it)
          scatter_c(r, h + 1, scale, dst, D, l0, nl);
        }
      }
    });
    return;
  }
  for (int64_t l = 0; l < count; ++l) {
    cf* d = dst + D.off(l);
    const int64_t des = D.es;
    int64_t so = S.off(l);
    if (so == kNoLine || S.len <= 0) {
      for (int64_t k = 0; k <= h; ++k) d[k * des] = {0.0f, 0.0f};
      continue;
    }
    const float* p = src + so;
    const int64_t cnt = std::min(n, S.len);
    if (!even) {
      Temp t(n);
      cf* z = t.get();
      for (int64_t j = 0; j < n; ++j) z[j] = {j < cnt ? p[j * S.es] : 0.0f, 0.0f};
      line_c2c<true>(P, z, 1, z, 1, 1.0f);
      z[0].im = 0.0f;
      for (int64_t k = 0; k <= h; ++k) d[k * des] = {z[k].re * scale, z[k].im * scale};
      continue;
    }
    if (S.es == 1 && cnt == n) {
      line_c2c<true>(P, reinterpret_cast<const cf*>(p), 1, d, des, 1.0f);
    } else {
      Temp t(h);
      cf* z = t.get();
      for (int64_t j = 0; j < h; ++j)
        z[j] = {2 * j < cnt ? p[2 * j * S.es] : 0.0f, 2 * j + 1 < cnt ? p[(2 * j + 1) * S.es] : 0.0f};
      line_c2c<true>(P, z, 1, d, des, 1.0f);
    }
    // In place: pairs (k, h - k) read together, then written.
    cf z0 = d[0];
    d[0] = {(z0.re + z0.im) * scale, 0.0f};
    d[h * des] = {(z0.re - z0.im) * scale, 0.0f};
    post_r2c_line(d, des, h, rt, scale);
  }
}

void c2r(const RealPlan& R, const cf* src, const Lines& S, float* dst, const Lines& D, int64_t count,
         float scale) {
  const Plan& P = *R.c;
  const int64_t n = R.n, h = n / 2;
  const bool even = n % 2 == 0;
  const cf* rt = R.rt.data();
  if (use_lanes(P, count)) {
    const int64_t L = std::max(P.lane_len(), h + 1), groups = (count + 7) / 8;
    dynamic_for(groups, group_block(L), [&](int64_t g0, int64_t g1) {
      LaneBufs& B = lane_bufs(L);
      for (int64_t g = g0; g < g1; ++g) {
        int64_t l0 = g * 8;
        int nl = int(std::min<int64_t>(8, count - l0));
        gather_c(src, S, l0, nl, h + 1, B.a.data());
        if (even) {
          pre_c2r(B.a.data(), B.b.data(), h, rt);
          Vc* r = run_lanes<false>(P, B.b.data(), B.a.data());
          scatter_packed(r, h, scale, dst, D, l0, nl);
        } else {
          Vc* a = B.a.data();
          a[0].im = v8{};
          for (int64_t k = 1; k <= h; ++k) a[n - k] = conjv(a[k]);
          Vc* r = run_lanes<false>(P, a, B.b.data());
          scatter_re(r, n, scale, dst, D, l0, nl);
        }
      }
    });
    return;
  }
  for (int64_t l = 0; l < count; ++l) {
    float* d = dst + D.off(l);
    const int64_t des = D.es;
    int64_t so = S.off(l);
    if (so == kNoLine || S.len <= 0) {
      for (int64_t j = 0; j < n; ++j) d[j * des] = 0.0f;
      continue;
    }
    const cf* p = src + so;
    const int64_t cnt = std::min(h + 1, S.len);
    if (!even) {
      Temp t(n);
      cf* z = t.get();
      z[0] = {cnt > 0 ? p[0].re : 0.0f, 0.0f};
      for (int64_t k = 1; k <= h; ++k) {
        cf x = k < cnt ? p[k * S.es] : cf{0.0f, 0.0f};
        z[k] = x;
        z[n - k] = {x.re, -x.im};
      }
      line_c2c<false>(P, z, 1, z, 1, 1.0f);
      for (int64_t j = 0; j < n; ++j) d[j * des] = z[j].re * scale;
      continue;
    }
    const bool direct_out = des == 1;
    Temp t(direct_out ? 1 : h);
    cf* z = direct_out ? reinterpret_cast<cf*>(d) : t.get();
    // Pairs (k, j = h - k): A = X[k] + conj X[j], T = i (X[k] - conj X[j]) conj W^k give
    // Z[k] = A + T and Z[j] = conj(A - T); X[0] and X[h] lose their imaginary parts.
    auto Xf = [&](int64_t k) {
      cf x = k < cnt ? p[k * S.es] : cf{0.0f, 0.0f};
      if (k == 0 || k == h) x.im = 0.0f;
      return x;
    };
    dynamic_for(h / 2 + 1, 1 << 13, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        const int64_t j = h - k;
        cf xk = Xf(k), xj = Xf(j), w = rt[k];
        float ar = xk.re + xj.re, ai = xk.im - xj.im;
        float br = xk.re - xj.re, bi = xk.im + xj.im;
        // B conj(W), then times i.
        float cr = br * w.re + bi * w.im, ci = bi * w.re - br * w.im;
        float tr = -ci, ti = cr;
        z[k] = {ar + tr, ai + ti};
        if (j != k && j < h) z[j] = {ar - tr, -(ai - ti)};
      }
    });
    line_c2c<false>(P, z, 1, z, 1, scale);
    if (!direct_out)
      for (int64_t j = 0; j < h; ++j) {
        d[2 * j * des] = z[j].re;
        d[(2 * j + 1) * des] = z[j].im;
      }
  }
}

const Kernels table = {ISA_NAME, c2c, r2c, c2r};

#undef FI
