// .npy and .npz files.
#include "mlx/io.h"

namespace mlx::core {}  // namespace mlx::core
