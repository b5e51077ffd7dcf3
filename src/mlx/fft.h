// mx.fft (defined in fft.cpp; CPU kernels in backend/cpu/fft.cpp). As in MLX 0.32: the
// complex transforms take any dtype and give complex64 (real inputs are read as complex),
// rfft* cast to float32 (a complex input loses its imaginary part) and give complex64,
// irfft* read complex64 and give float32. Lengths `n` truncate or zero pad the input along
// each axis (irfft*: the last axis to n / 2 + 1). norm: Backward (inverse scaled by 1 / n),
// Ortho (both by 1 / sqrt(n)) or Forward (forward by 1 / n), n the product of the lengths.
// Errors are "[fft.<name>] ..." (std::invalid_argument, std::out_of_range for axes).
#pragma once

#include <optional>
#include <vector>

#include "ops.h"

namespace mlx::core::fft {

enum class FFTNorm { Backward, Ortho, Forward };

// n-dimensional transforms over `axes` with lengths `n` (one per axis; nullopt: the input's
// extents, or (extent - 1) * 2 along the last axis of irfftn). axes = nullopt: every axis
// (then n must be nullopt too). An empty axes list returns the input unchanged (as MLX).
array fftn(const array& a, const std::optional<Shape>& n = std::nullopt,
           const std::optional<std::vector<int>>& axes = std::nullopt, FFTNorm norm = FFTNorm::Backward,
           StreamOrDevice s = {});
array ifftn(const array& a, const std::optional<Shape>& n = std::nullopt,
            const std::optional<std::vector<int>>& axes = std::nullopt, FFTNorm norm = FFTNorm::Backward,
            StreamOrDevice s = {});
array rfftn(const array& a, const std::optional<Shape>& n = std::nullopt,
            const std::optional<std::vector<int>>& axes = std::nullopt, FFTNorm norm = FFTNorm::Backward,
            StreamOrDevice s = {});
array irfftn(const array& a, const std::optional<Shape>& n = std::nullopt,
             const std::optional<std::vector<int>>& axes = std::nullopt, FFTNorm norm = FFTNorm::Backward,
             StreamOrDevice s = {});

// Two dimensional: fftn over `axes` (default the last two).
array fft2(const array& a, const std::optional<Shape>& n = std::nullopt,
           const std::optional<std::vector<int>>& axes = std::vector<int>{-2, -1},
           FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array ifft2(const array& a, const std::optional<Shape>& n = std::nullopt,
            const std::optional<std::vector<int>>& axes = std::vector<int>{-2, -1},
            FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array rfft2(const array& a, const std::optional<Shape>& n = std::nullopt,
            const std::optional<std::vector<int>>& axes = std::vector<int>{-2, -1},
            FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array irfft2(const array& a, const std::optional<Shape>& n = std::nullopt,
             const std::optional<std::vector<int>>& axes = std::vector<int>{-2, -1},
             FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});

// One dimensional, along `axis`.
array fft(const array& a, std::optional<int> n = std::nullopt, int axis = -1,
          FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array ifft(const array& a, std::optional<int> n = std::nullopt, int axis = -1,
           FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array rfft(const array& a, std::optional<int> n = std::nullopt, int axis = -1,
           FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});
array irfft(const array& a, std::optional<int> n = std::nullopt, int axis = -1,
            FFTNorm norm = FFTNorm::Backward, StreamOrDevice s = {});

// Rolls by n / 2 (fftshift) or -(n / 2) (ifftshift) along `axes` (nullopt: every axis).
array fftshift(const array& a, const std::optional<std::vector<int>>& axes = std::nullopt,
               StreamOrDevice s = {});
array ifftshift(const array& a, const std::optional<std::vector<int>>& axes = std::nullopt,
                StreamOrDevice s = {});

// Sample frequencies (float32): [0, 1, ..., (n - 1) / 2, -(n / 2), ..., -1] / (n d), and the
// first n / 2 + 1 of them for rfft (each a float32 product with float32(1 / (n d)), as MLX).
array fftfreq(int n, double d = 1.0, StreamOrDevice s = {});
array rfftfreq(int n, double d = 1.0, StreamOrDevice s = {});

namespace detail {
// The transforms behind every name above, with `op` naming the function in errors.
array fft_impl(const char* op, const array& a, const std::optional<Shape>& n,
               const std::optional<std::vector<int>>& axes, bool real, bool inverse, FFTNorm norm,
               StreamOrDevice s);
array fftshift_impl(const char* op, const array& a, const std::optional<std::vector<int>>& axes,
                    bool inverse, StreamOrDevice s);
array fftfreq_impl(const char* op, int n, double d, bool real, StreamOrDevice s);
}  // namespace detail

}  // namespace mlx::core::fft
