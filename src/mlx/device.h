// Devices and streams: a stream is an ordered queue of work on one device.
#pragma once

namespace mlx::core {

struct Device {
  enum class DeviceType : int { cpu = 0, gpu = 1 };
  static constexpr DeviceType cpu = DeviceType::cpu;
  static constexpr DeviceType gpu = DeviceType::gpu;

  DeviceType type = DeviceType::cpu;
  int index = 0;

  constexpr Device(DeviceType t = DeviceType::cpu, int i = 0) : type(t), index(i) {}
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
};

// True when a GPU backend is compiled in and a device is present.
bool is_available(const Device& d);
void check_available(const Device& d, const char* op);  // throws "[op] ... not available"
const Device& default_device();
void set_default_device(const Device& d);  // throws for an unavailable device

struct Stream {
  int index = 0;
  Device device;
  Stream() = default;
  Stream(int i, Device d) : index(i), device(d) {}
  bool operator==(const Stream& o) const { return index == o.index; }
  bool operator!=(const Stream& o) const { return index != o.index; }
};

Stream default_stream(Device d);
void set_default_stream(Stream s);
Stream new_stream(Device d);
Stream stream_from_index(int index);  // throws std::out_of_range for an unknown index
int stream_count();

}  // namespace mlx::core
