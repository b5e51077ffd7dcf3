// Primitives of ops_sort.cpp; their CPU kernels are in backend/cpu/sort.cpp. Every output is
// row-contiguous; inputs may have any strides.
#pragma once

#include "primitives.h"

namespace mlx::core {

// Sort / ArgSort along `axis` (normalised), stably, NaN last.
class Sort : public UnaryPrimitive {
 public:
  Sort(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Sort"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Sort*>(&o);
    return p && p->axis_ == axis_;
  }

 private:
  int axis_;
};

class ArgSort : public UnaryPrimitive {
 public:
  ArgSort(Stream s, int axis) : UnaryPrimitive(s), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "ArgSort"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ArgSort*>(&o);
    return p && p->axis_ == axis_;
  }

 private:
  int axis_;
};

// Partition / ArgPartition around rank `kth` (normalised, within the axis).
class Partition : public UnaryPrimitive {
 public:
  Partition(Stream s, int kth, int axis) : UnaryPrimitive(s), kth_(kth), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "Partition"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const Partition*>(&o);
    return p && p->kth_ == kth_ && p->axis_ == axis_;
  }

 private:
  int kth_, axis_;
};

class ArgPartition : public UnaryPrimitive {
 public:
  ArgPartition(Stream s, int kth, int axis) : UnaryPrimitive(s), kth_(kth), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "ArgPartition"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const ArgPartition*>(&o);
    return p && p->kth_ == kth_ && p->axis_ == axis_;
  }

 private:
  int kth_, axis_;
};

// The last k elements of each row partitioned at n - k (0 < k < n): the output has k along
// `axis`. MLX composes this from Partition and a slice; one primitive skips the full copy.
class TopK : public UnaryPrimitive {
 public:
  TopK(Stream s, int k, int axis) : UnaryPrimitive(s), k_(k), axis_(axis) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "TopK"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const TopK*>(&o);
    return p && p->k_ == k_ && p->axis_ == axis_;
  }

 private:
  int k_, axis_;
};

// Inputs: a 1-D sorted sequence and values of the same dtype; uint32 output shaped as values.
class SearchSorted : public UnaryPrimitive {
 public:
  SearchSorted(Stream s, bool right) : UnaryPrimitive(s), right_(right) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  MLX_DEFINE_TRANSFORMS
  MLX_DEFINE_OUTPUT_SHAPES
  const char* name() const override { return "SearchSorted"; }
  MLX_DEFINE_STATE
  bool is_equivalent(const Primitive& o) const override {
    auto* p = dynamic_cast<const SearchSorted*>(&o);
    return p && p->right_ == right_;
  }

 private:
  bool right_;
};

}  // namespace mlx::core
