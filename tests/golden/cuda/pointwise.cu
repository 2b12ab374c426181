
#ifdef __CUDACC_RTC__
  #include <cuda/std/cstdint>
  using cuda::std::uint8_t;
  using cuda::std::uint16_t;
  using cuda::std::uint32_t;
  using cuda::std::uint64_t;
  using cuda::std::int8_t;
  using cuda::std::int16_t;
  using cuda::std::int32_t;
  using cuda::std::int64_t;

  #include <cuda/std/type_traits>
  namespace std {
    using cuda::std::is_same;
    using cuda::std::is_same_v;
    using cuda::std::is_integral;
    using cuda::std::is_signed;
    using cuda::std::is_unsigned;
    using cuda::std::is_floating_point;
    using cuda::std::enable_if;
    using cuda::std::conditional;
  }

  // NVRTC uses asm/volatile instead of __asm__/__volatile__ (gcc extension).
  #ifndef __asm__
  #define __asm__ asm
  #endif
  #ifndef __volatile__
  #define __volatile__ volatile
  #endif
#else
  #include <cstdint>
  #include <type_traits>
  #include <cuda.h>
#endif

#if (((__CUDACC_VER_MAJOR__ == 11) && (__CUDACC_VER_MINOR__ >= 4)) || \
     (__CUDACC_VER_MAJOR__ > 11))
#define TVM_ENABLE_L2_PREFETCH 1
#else
#define TVM_ENABLE_L2_PREFETCH 0
#endif

#ifdef _WIN32
  using uint = unsigned int;
  using uchar = unsigned char;
  using ushort = unsigned short;
  using int64_t = long long;
  using uint64_t = unsigned long long;
#else
  #define uint unsigned int
  #define uchar unsigned char
  #define ushort unsigned short
#endif
extern "C" __global__ void __launch_bounds__(224) main_kernel(float* __restrict__ b_ptr, float* __restrict__ pw_out_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(224) main_kernel(float* __restrict__ b_ptr, float* __restrict__ pw_out_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr) {
  alignas(64) float pw_local_ptr[8];
  __shared__ alignas(64) float x_shared_ptr[896];
  __shared__ alignas(64) float w_shared_ptr[672];
  pw_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[2] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[3] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[4] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[5] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[6] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[7] = 0x0p+0f/*0.000000e+00*/;
  int cse_v1 = (((int)threadIdx.x) % 28);
  int cse_v4 = (((int)blockIdx.x) / 56);
  int cse_v5 = (((int)threadIdx.x) / 28);
  int cse_v6 = ((((int)blockIdx.x) & 1) * 28);
  int cse_v8 = (((((int)blockIdx.x) % 56) >> 1) * 112);
  for (int rc_0 = 0; rc_0 < 4; ++rc_0) {
    int cse_v20 = ((((((rc_0 * 50176) + ((((int)threadIdx.x) / 56) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 56) / 28) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28));
    __syncthreads();
    x_shared_ptr[((int)threadIdx.x)] = x_ptr[((((((rc_0 * 50176) + ((((int)threadIdx.x) / 56) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 56) / 28) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28))];
    int cse_v2 = (((int)threadIdx.x) + 224);
    x_shared_ptr[(((int)threadIdx.x) + 224)] = x_ptr[(((((((rc_0 * 50176) + ((((int)threadIdx.x) / 56) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 56) / 28) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 12544)];
    int cse_v3 = (((int)threadIdx.x) + 448);
    x_shared_ptr[(((int)threadIdx.x) + 448)] = x_ptr[(((((((rc_0 * 50176) + ((((int)threadIdx.x) / 56) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 56) / 28) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 25088)];
    x_shared_ptr[(((int)threadIdx.x) + 672)] = x_ptr[(((((((rc_0 * 50176) + ((((int)threadIdx.x) / 56) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 56) / 28) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 37632)];
    int cse_v18 = (((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15));
    w_shared_ptr[((int)threadIdx.x)] = w_ptr[(((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15))];
    w_shared_ptr[(((int)threadIdx.x) + 224)] = w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 896)];
    if (((int)threadIdx.x) < 64) {
      w_shared_ptr[(((int)threadIdx.x) + 448)] = w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 1792)];
    }
    __syncthreads();
    for (int rc_1 = 0; rc_1 < 16; ++rc_1) {
      int cse_v7 = ((rc_1 * 56) + (((int)threadIdx.x) % 28));
      int cse_v9 = (((((int)threadIdx.x) / 28) * 64) + rc_1);
      pw_local_ptr[0] = (pw_local_ptr[0] + (x_shared_ptr[((rc_1 * 56) + (((int)threadIdx.x) % 28))] * w_shared_ptr[(((((int)threadIdx.x) / 28) * 64) + rc_1)]));
      int cse_v10 = (((rc_1 * 56) + (((int)threadIdx.x) % 28)) + 28);
      pw_local_ptr[1] = (pw_local_ptr[1] + (x_shared_ptr[(((rc_1 * 56) + (((int)threadIdx.x) % 28)) + 28)] * w_shared_ptr[(((((int)threadIdx.x) / 28) * 64) + rc_1)]));
      int cse_v12 = ((((((int)threadIdx.x) / 28) * 64) + rc_1) + 16);
      pw_local_ptr[2] = (pw_local_ptr[2] + (x_shared_ptr[((rc_1 * 56) + (((int)threadIdx.x) % 28))] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 16)]));
      pw_local_ptr[3] = (pw_local_ptr[3] + (x_shared_ptr[(((rc_1 * 56) + (((int)threadIdx.x) % 28)) + 28)] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 16)]));
      int cse_v13 = ((((((int)threadIdx.x) / 28) * 64) + rc_1) + 32);
      pw_local_ptr[4] = (pw_local_ptr[4] + (x_shared_ptr[((rc_1 * 56) + (((int)threadIdx.x) % 28))] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 32)]));
      pw_local_ptr[5] = (pw_local_ptr[5] + (x_shared_ptr[(((rc_1 * 56) + (((int)threadIdx.x) % 28)) + 28)] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 32)]));
      int cse_v14 = ((((((int)threadIdx.x) / 28) * 64) + rc_1) + 48);
      pw_local_ptr[6] = (pw_local_ptr[6] + (x_shared_ptr[((rc_1 * 56) + (((int)threadIdx.x) % 28))] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 48)]));
      pw_local_ptr[7] = (pw_local_ptr[7] + (x_shared_ptr[(((rc_1 * 56) + (((int)threadIdx.x) % 28)) + 28)] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 64) + rc_1) + 48)]));
    }
  }
  int cse_v11 = (((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4));
  int cse_v19 = ((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28));
  pw_out_ptr[((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28))] = (pw_local_ptr[0] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4))]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 56)] = (pw_local_ptr[1] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4))]);
  int cse_v15 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 1);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 3136)] = (pw_local_ptr[2] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 1)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 3192)] = (pw_local_ptr[3] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 1)]);
  int cse_v16 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 2);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 6272)] = (pw_local_ptr[4] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 2)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 6328)] = (pw_local_ptr[5] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 2)]);
  int cse_v17 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 3);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 9408)] = (pw_local_ptr[6] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 3)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 9464)] = (pw_local_ptr[7] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 28) * 4)) + 3)]);
}

