// FFT plans (fft_plan.h): factorisations, twiddles in double (rounded once to float) and
// the Bluestein filters, built once per length and cached.
#include "fft_plan.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <unordered_map>

namespace mlx::core::cpu::fft {

namespace {

using cd = std::complex<double>;

// e^{-2 pi i e / N}, from an angle reduced by symmetry to the first octant (in exact
// integer steps of 1 / 8N of a turn): quarter turns are exact and every value is as
// accurate as sin/cos of a small angle.
cd unit(int64_t e, int64_t N) {
  e %= N;
  if (e < 0) e += N;
  const int64_t M = 8 * N;
  int64_t t = 8 * e;
  bool conj = false, neg = false, swap = false;
  if (t > M / 2) t = M - t, conj = true;   // W(x) = conj W(1 - x)
  if (t > M / 4) t = M / 2 - t, neg = true;  // W(x) = -conj W(1/2 - x)
  if (t > M / 8) t = M / 4 - t, swap = true;  // cos and sin of 1/4 - x
  double a = 2.0 * std::numbers::pi * double(t) / double(M);
  double c = std::cos(a), s = std::sin(a);
  if (swap) std::swap(c, s);
  cd w(c, -s);
  if (neg) w = -std::conj(w);
  if (conj) w = std::conj(w);
  return w;
}

cf to_cf(cd z) { return {float(z.real()), float(z.imag())}; }
cf conj_cf(cd z) { return {float(z.real()), float(-z.imag())}; }

std::vector<int64_t> prime_factors(int64_t n) {
  std::vector<int64_t> f;
  for (int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      f.push_back(p);
      n /= p;
    }
  if (n > 1) f.push_back(n);
  return f;
}

// The smallest 2^a 3^b 5^c >= x.
int64_t next_smooth(int64_t x) {
  int64_t best = int64_t(1) << 62;
  for (int64_t p5 = 1; p5 < best; p5 *= 5)
    for (int64_t p35 = p5; p35 < best; p35 *= 3) {
      int64_t v = p35;
      while (v < x) v *= 2;
      best = std::min(best, v);
      if (p35 > x) break;
    }
  return best;
}

// The divisor of n closest to sqrt(n) from below (1 for a prime).
int64_t split_of(int64_t n) {
  int64_t best = 1;
  for (int64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) best = d;
  return best;
}

// A double-precision forward DFT of a 2^a 3^b 5^c length (the Bluestein filters only):
// recursive mixed radix with one table of W_m^j.
void dft_rec(const cd* in, int64_t stride, int64_t n, cd* out, const std::vector<int64_t>& f,
             size_t fi, const std::vector<cd>& w, int64_t m) {
  if (n == 1) {
    out[0] = in[0];
    return;
  }
  int64_t p = f[fi], k = n / p;
  for (int64_t r = 0; r < p; ++r) dft_rec(in + r * stride, stride * p, k, out + r * k, f, fi + 1, w, m);
  std::vector<cd> t(p), y(p);
  int64_t step = m / n;
  for (int64_t j = 0; j < k; ++j) {
    for (int64_t r = 0; r < p; ++r) t[r] = out[r * k + j] * w[(r * j * step) % m];
    for (int64_t s = 0; s < p; ++s) {
      cd acc = 0;
      for (int64_t r = 0; r < p; ++r) acc += t[r] * w[((r * s) % p) * (m / p)];
      y[s] = acc;
    }
    for (int64_t s = 0; s < p; ++s) out[j + k * s] = y[s];
  }
}

std::vector<cd> dft_double(const std::vector<cd>& x) {
  int64_t m = int64_t(x.size());
  std::vector<cd> w(m), out(m);
  for (int64_t j = 0; j < m; ++j) w[j] = unit(j, m);
  dft_rec(x.data(), 1, m, out.data(), prime_factors(m), 0, w, m);
  return out;
}

void build_direct(Plan& P) {
  int64_t n = P.n, rem = n;
  std::vector<int> fs;
  while (rem % 4 == 0) fs.push_back(4), rem /= 4;
  while (rem % 2 == 0) fs.push_back(2), rem /= 2;
  for (int64_t p : prime_factors(rem)) fs.push_back(int(p));
  int64_t l1 = 1;
  for (int p : fs) {
    int64_t ido = n / (l1 * p);
    Plan::Pass ps{p, l1, ido, P.tw[0].size(), P.cs.size()};
    for (int q = 1; q < p; ++q)
      for (int64_t i = 0; i < ido; ++i) {
        cd z = unit(int64_t(q) * i, ido * p);
        P.tw[0].push_back(to_cf(z));
        P.tw[1].push_back(conj_cf(z));
      }
    if (p > 5)
      for (int k = 0; k < p; ++k) {
        double a = 2.0 * std::numbers::pi * k / p;
        P.cs.push_back({float(std::cos(a)), float(std::sin(a))});
      }
    P.passes.push_back(ps);
    l1 *= p;
  }
  P.direct = true;
}

void build_four(Plan& P, int64_t n1) {
  int64_t n = P.n;
  P.n1 = n1;
  P.n2 = n / n1;
  P.p1 = get_plan(P.n1);
  P.p2 = get_plan(P.n2);
  P.t = int64_t(std::ceil(std::sqrt(double(n))));
  P.lo.resize(P.t);
  for (int64_t r = 0; r < P.t; ++r) P.lo[r] = unit(r, n);
  P.hi.resize(n / P.t + 1);
  for (int64_t q = 0; q <= n / P.t; ++q) P.hi[q] = unit(q * P.t, n);
  for (int d = 0; d < 2; ++d) P.base[d].resize(P.n1);
  for (int64_t k1 = 0; k1 < P.n1; ++k1)
    for (int c = 0; c < 8; ++c) {
      cd z = unit(int64_t(c) * k1, n);
      P.base[0][k1].v[c] = float(z.real());
      P.base[0][k1].v[8 + c] = float(z.imag());
      P.base[1][k1].v[c] = float(z.real());
      P.base[1][k1].v[8 + c] = float(-z.imag());
    }
  P.four = true;
}

void build_blue(Plan& P) {
  int64_t n = P.n;
  P.m = next_smooth(2 * n - 1);
  P.pm = get_plan(P.m);
  std::vector<cd> w(n);
  for (int64_t j = 0; j < n; ++j) w[j] = unit((j * j) % (2 * n), 2 * n);
  for (int d = 0; d < 2; ++d) {
    P.chirp[d].resize(n);
    std::vector<cd> b(P.m, cd(0));
    for (int64_t j = 0; j < n; ++j) {
      cd wj = d == 0 ? w[j] : std::conj(w[j]);
      P.chirp[d][j] = to_cf(wj);
      b[j] = std::conj(wj);
      if (j) b[P.m - j] = std::conj(wj);
    }
    std::vector<cd> B = dft_double(b);
    P.filt[d].resize(P.m);
    for (int64_t k = 0; k < P.m; ++k) P.filt[d][k] = to_cf(B[k] / double(P.m));
  }
  P.blue = true;
}

std::shared_ptr<const Plan> build_plan(int64_t n) {
  auto P = std::make_shared<Plan>();
  P->n = n;
  auto f = prime_factors(n);
  int64_t maxp = f.empty() ? 1 : f.back();
  if (maxp <= kMaxRadix && n <= kLaneMax) build_direct(*P);
  int64_t n1 = split_of(n);
  // FourStep for lines of 64 and more (one line then fills the lanes), and wherever Direct
  // does not apply to a composite length.
  if (n1 > 1 && (n >= 64 || !P->direct)) build_four(*P, n1);
  if (!P->direct && (n1 == 1 || next_smooth(2 * n - 1) <= kLaneMax)) build_blue(*P);
  return P;
}

template <typename T>
struct Cache {
  std::mutex mu;
  std::unordered_map<int64_t, std::shared_ptr<const T>> map;

  template <typename Build>
  std::shared_ptr<const T> get(int64_t n, Build&& build) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = map.find(n);
      if (it != map.end()) return it->second;
    }
    auto p = build(n);  // outside the lock: building recurses into the cache
    std::lock_guard<std::mutex> lock(mu);
    // Bounded: plans in use stay alive through their shared_ptrs.
    if (map.size() >= 256) map.clear();
    return map.emplace(n, std::move(p)).first->second;
  }
};

}  // namespace

std::shared_ptr<const Plan> get_plan(int64_t n) {
  static auto* cache = new Cache<Plan>();  // leaked: used by pool threads until exit
  return cache->get(n, build_plan);
}

std::shared_ptr<const RealPlan> get_real_plan(int64_t n) {
  static auto* cache = new Cache<RealPlan>();
  return cache->get(n, [](int64_t n) {
    auto R = std::make_shared<RealPlan>();
    R->n = n;
    R->c = get_plan(n % 2 == 0 ? n / 2 : n);
    R->rt.resize(n / 2 + 1);
    for (int64_t k = 0; k <= n / 2; ++k) R->rt[k] = to_cf(unit(k, n));
    return std::shared_ptr<const RealPlan>(std::move(R));
  });
}

}  // namespace mlx::core::cpu::fft
