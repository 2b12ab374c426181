/*
 * sepgen QEMU runner: calls TVM-exported CPU kernels (tvm-ffi C ABI) outside of any TVM runtime.
 *
 * Used to check cross-compiled (aarch64) kernels under qemu-aarch64-static on an x86 machine;
 * emulated timings say nothing about ARM performance, so this runner measures none.
 *
 * Two builds of this one file:
 *   -DSEPGEN_STATIC  linked statically with the kernel object (``module.write_to_file("k.o")``) and a
 *                    generated table ``sepgen_funcs[]`` naming the kernel's ``__tvm_ffi_<name>`` entries;
 *   (default)        dynamically linked with -rdynamic; loads an exported ``kernels.so`` with dlopen
 *                    (``-L <sysroot>`` on the qemu command line).
 *
 * What it provides in place of libtvm_runtime / libtvm_ffi (all a TVM CPU kernel needs):
 *   __TVMBackendParallelLaunch / __TVMBackendParallelBarrier   a pthread fork-join pool (really parallel)
 *   __TVMBackendAllocWorkspace / __TVMBackendFreeWorkspace     aligned malloc / free
 *   TVMFFIErrorSetRaisedFromCStrParts / ...FromCStr           the error a kernel raises (printed on failure)
 *
 * Usage: runner SCRIPT            (paths in the script are relative to the current directory)
 * Script, one command per line:
 *   threads N                                    tasks per parallel launch (0: the CPUs qemu reports)
 *   lib PATH                                     (dlopen build) the shared library to load
 *   buf ID DTYPE NDIM D0 .. Dn-1 load PATH|zero  a 64-byte aligned compact tensor; DTYPE float32|float16|float64|int32
 *   call NAME NARGS ID ...                       call __tvm_ffi_NAME with DLTensor* arguments
 *   save ID PATH                                 write a tensor's bytes
 * On success it prints "sepgen-runner: ok calls=C launches=L max_tasks=K max_threads=T" (K: most tasks of one
 * parallel launch; T: most tasks seen running at the same time) and exits 0; a kernel
 * error, a missing symbol or a bad script prints "sepgen-runner: error: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef SEPGEN_STATIC
#include <dlfcn.h>
#endif

/* ---- the few ABI types (tvm-ffi c_api.h, dlpack.h, c_backend_api.h), written out to need no header ---- */
typedef struct { int32_t device_type; int32_t device_id; } DLDevice;
typedef struct { uint8_t code; uint8_t bits; uint16_t lanes; } DLDataType;
typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
} DLTensor;
typedef struct {
  int32_t type_index;
  uint32_t zero_padding;
  union { int64_t v_int64; double v_float64; void* v_ptr; } v;
} TVMFFIAny;
enum { kTVMFFINone = 0, kTVMFFIDLTensorPtr = 7 };
enum { kDLCPU = 1, kDLInt = 0, kDLFloat = 2 };
typedef int (*TVMFFISafeCallType)(void* handle, const TVMFFIAny* args, int32_t num_args, TVMFFIAny* result);
typedef struct { void* sync_handle; int32_t num_task; } TVMParallelGroupEnv;
typedef int (*FTVMParallelLambda)(int task_id, TVMParallelGroupEnv* penv, void* cdata);

static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sepgen-runner: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

/* ---- errors raised by kernels ---- */
static __thread char g_error[2048];

void TVMFFIErrorSetRaisedFromCStrParts(const char* kind, const char** parts, int32_t n) {
  size_t len = 0;
  g_error[0] = 0;
  len += (size_t)snprintf(g_error, sizeof g_error, "%s: ", kind ? kind : "Error");
  for (int32_t i = 0; i < n && len < sizeof g_error; ++i) {
    if (parts[i]) len += (size_t)snprintf(g_error + len, sizeof g_error - len, "%s", parts[i]);
  }
}

void TVMFFIErrorSetRaisedFromCStr(const char* kind, const char* message) {
  const char* parts[1] = {message};
  TVMFFIErrorSetRaisedFromCStrParts(kind, parts, 1);
}

/* ---- workspace ---- */
static void* alloc_workspace(int device_type, int device_id, uint64_t nbytes, int code, int bits) {
  (void)device_type; (void)device_id; (void)code; (void)bits;
  size_t n = (size_t)((nbytes + 63) / 64 * 64);
  return aligned_alloc(64, n ? n : 64);
}

static int free_workspace(int device_type, int device_id, void* ptr) {
  (void)device_type; (void)device_id;
  free(ptr);
  return 0;
}

/* ---- parallel launch: fork-join over pthreads ---- */
static int g_threads = 1;
static long g_launches = 0;
static int g_max_threads = 1; /* most tasks seen running at once */
static int g_max_tasks = 1;   /* most tasks of one launch */
static __thread int t_in_parallel = 0;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_running = 0;

typedef struct {
  FTVMParallelLambda f;
  void* cdata;
  TVMParallelGroupEnv* env;
  int task;
  int rc;
} Task;

static void note_running(int delta) {
  pthread_mutex_lock(&g_mu);
  g_running += delta;
  if (g_running > g_max_threads) g_max_threads = g_running;
  pthread_mutex_unlock(&g_mu);
}

static void* task_main(void* p) {
  Task* t = (Task*)p;
  t_in_parallel = 1;
  note_running(1);
  t->rc = t->f(t->task, t->env, t->cdata);
  note_running(-1);
  t_in_parallel = 0;
  return NULL;
}

static int parallel_launch(FTVMParallelLambda f, void* cdata, int num_task) {
  int n = num_task > 0 ? num_task : g_threads;
  if (t_in_parallel) n = 1; /* a nested launch runs in the calling task */
  if (n < 1) n = 1;
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, (unsigned)n);
  TVMParallelGroupEnv env = {&barrier, n};
  Task* tasks = (Task*)calloc((size_t)n, sizeof(Task));
  pthread_t* th = (pthread_t*)calloc((size_t)n, sizeof(pthread_t));
  if (!tasks || !th) die("out of memory");
  __atomic_add_fetch(&g_launches, 1, __ATOMIC_RELAXED);
  pthread_mutex_lock(&g_mu);
  if (n > g_max_tasks) g_max_tasks = n;
  pthread_mutex_unlock(&g_mu);
  for (int i = 0; i < n; ++i) tasks[i] = (Task){f, cdata, &env, i, 0};
  for (int i = 1; i < n; ++i) {
    if (pthread_create(&th[i], NULL, task_main, &tasks[i]) != 0) die("pthread_create failed");
  }
  int was = t_in_parallel;
  task_main(&tasks[0]);
  t_in_parallel = was;
  int rc = tasks[0].rc;
  for (int i = 1; i < n; ++i) {
    pthread_join(th[i], NULL);
    if (tasks[i].rc) rc = tasks[i].rc;
  }
  pthread_barrier_destroy(&barrier);
  free(tasks);
  free(th);
  return rc;
}

static int parallel_barrier(int task_id, TVMParallelGroupEnv* penv) {
  (void)task_id;
  if (penv->num_task > 1) pthread_barrier_wait((pthread_barrier_t*)penv->sync_handle);
  return 0;
}

/* ---- finding the kernel's entry points and runtime slots ---- */
#ifdef SEPGEN_STATIC
typedef struct { const char* name; TVMFFISafeCallType fn; } SepgenFunc;
extern const SepgenFunc sepgen_funcs[]; /* generated: {"stage0", __tvm_ffi_stage0}, ..., {0, 0} */
extern void* __TVMBackendParallelLaunch __attribute__((weak));
extern void* __TVMBackendParallelBarrier __attribute__((weak));
extern void* __TVMBackendAllocWorkspace __attribute__((weak));
extern void* __TVMBackendFreeWorkspace __attribute__((weak));
extern void* __TVMFFIErrorSetRaisedFromCStr __attribute__((weak));

static void set_slots(void) {
  if (&__TVMBackendParallelLaunch) __TVMBackendParallelLaunch = (void*)parallel_launch;
  if (&__TVMBackendParallelBarrier) __TVMBackendParallelBarrier = (void*)parallel_barrier;
  if (&__TVMBackendAllocWorkspace) __TVMBackendAllocWorkspace = (void*)alloc_workspace;
  if (&__TVMBackendFreeWorkspace) __TVMBackendFreeWorkspace = (void*)free_workspace;
  if (&__TVMFFIErrorSetRaisedFromCStr) __TVMFFIErrorSetRaisedFromCStr = (void*)TVMFFIErrorSetRaisedFromCStr;
}

static TVMFFISafeCallType find_func(const char* name) {
  for (const SepgenFunc* f = sepgen_funcs; f->name; ++f)
    if (strcmp(f->name, name) == 0) return f->fn;
  die("the kernel object has no function %s", name);
  return NULL;
}

static void open_lib(const char* path) { (void)path; die("'lib' is for the dlopen build of the runner"); }
#else
static void* g_lib = NULL;

static void open_lib(const char* path) {
  g_lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!g_lib) die("cannot load %s: %s", path, dlerror());
  static const char* unsupported[] = {"__TVMFFIFunctionCall", "__TVMFFIEnvModLookupFromImports", NULL};
  for (const char** u = unsupported; *u; ++u) {
    void** slot = (void**)dlsym(g_lib, *u);
    if (slot) *slot = NULL; /* calls out to packed functions: not available here (a call would crash loudly) */
  }
  struct { const char* name; void* fn; } slots[] = {
      {"__TVMBackendParallelLaunch", (void*)parallel_launch},
      {"__TVMBackendParallelBarrier", (void*)parallel_barrier},
      {"__TVMBackendAllocWorkspace", (void*)alloc_workspace},
      {"__TVMBackendFreeWorkspace", (void*)free_workspace},
      {"__TVMFFIErrorSetRaisedFromCStr", (void*)TVMFFIErrorSetRaisedFromCStr},
  };
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; ++i) {
    void** slot = (void**)dlsym(g_lib, slots[i].name);
    if (slot) *slot = slots[i].fn;
  }
}

static void set_slots(void) {}

static TVMFFISafeCallType find_func(const char* name) {
  char sym[256];
  if (!g_lib) die("'call %s' before any 'lib' line", name);
  snprintf(sym, sizeof sym, "__tvm_ffi_%s", name);
  void* f = dlsym(g_lib, sym);
  if (!f) die("the library has no function %s (symbol %s)", name, sym);
  return (TVMFFISafeCallType)f;
}
#endif

/* ---- tensors ---- */
#define MAX_BUFS 256
#define MAX_DIMS 8
typedef struct {
  int used;
  DLTensor t;
  int64_t shape[MAX_DIMS];
  size_t nbytes;
} Buf;
static Buf g_bufs[MAX_BUFS];

static DLDataType parse_dtype(const char* s, size_t* itemsize) {
  if (!strcmp(s, "float32")) { *itemsize = 4; return (DLDataType){kDLFloat, 32, 1}; }
  if (!strcmp(s, "float16")) { *itemsize = 2; return (DLDataType){kDLFloat, 16, 1}; }
  if (!strcmp(s, "float64")) { *itemsize = 8; return (DLDataType){kDLFloat, 64, 1}; }
  if (!strcmp(s, "int32")) { *itemsize = 4; return (DLDataType){kDLInt, 32, 1}; }
  die("unsupported dtype %s", s);
  return (DLDataType){0, 0, 0};
}

static Buf* get_buf(int id) {
  if (id < 0 || id >= MAX_BUFS || !g_bufs[id].used) die("no buffer %d", id);
  return &g_bufs[id];
}

static void read_file(const char* path, void* dst, size_t n) {
  FILE* f = fopen(path, "rb");
  if (!f) die("cannot open %s", path);
  if (fread(dst, 1, n, f) != n) die("%s holds fewer than %zu bytes", path, n);
  if (fgetc(f) != EOF) die("%s holds more than %zu bytes", path, n);
  fclose(f);
}

static void write_file(const char* path, const void* src, size_t n) {
  FILE* f = fopen(path, "wb");
  if (!f) die("cannot write %s", path);
  if (fwrite(src, 1, n, f) != n) die("short write to %s", path);
  if (fclose(f) != 0) die("cannot close %s", path);
}

static long g_calls = 0;

static void call(const char* name, int nargs, const int* ids) {
  TVMFFISafeCallType fn = find_func(name);
  TVMFFIAny args[64];
  if (nargs > 64) die("too many arguments for %s", name);
  for (int i = 0; i < nargs; ++i) {
    args[i].type_index = kTVMFFIDLTensorPtr;
    args[i].zero_padding = 0;
    args[i].v.v_ptr = &get_buf(ids[i])->t;
  }
  TVMFFIAny result;
  memset(&result, 0, sizeof result);
  result.type_index = kTVMFFINone;
  g_error[0] = 0;
  int rc = fn(NULL, args, nargs, &result);
  if (rc != 0) die("%s failed (code %d): %s", name, rc, g_error[0] ? g_error : "no message");
  g_calls++;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRIPT\n", argv[0]);
    return 2;
  }
  FILE* f = fopen(argv[1], "r");
  if (!f) die("cannot open script %s", argv[1]);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  g_threads = ncpu > 0 ? (int)ncpu : 1;
  set_slots();
  char cmd[32];
  while (fscanf(f, "%31s", cmd) == 1) {
    if (!strcmp(cmd, "threads")) {
      int n;
      if (fscanf(f, "%d", &n) != 1 || n < 0 || n > 1024) die("bad 'threads' line");
      if (n > 0) g_threads = n;
    } else if (!strcmp(cmd, "lib")) {
      char path[4096];
      if (fscanf(f, "%4095s", path) != 1) die("bad 'lib' line");
      open_lib(path);
    } else if (!strcmp(cmd, "buf")) {
      int id, ndim;
      char dt[16], how[16];
      if (fscanf(f, "%d %15s %d", &id, dt, &ndim) != 3 || id < 0 || id >= MAX_BUFS || ndim < 0 || ndim > MAX_DIMS)
        die("bad 'buf' line");
      Buf* b = &g_bufs[id];
      if (b->used) die("buffer %d defined twice", id);
      size_t item;
      b->t.dtype = parse_dtype(dt, &item);
      size_t n = 1;
      for (int d = 0; d < ndim; ++d) {
        long long v;
        if (fscanf(f, "%lld", &v) != 1 || v < 0) die("bad shape of buffer %d", id);
        b->shape[d] = (int64_t)v;
        n *= (size_t)v;
      }
      b->nbytes = n * item;
      b->t.data = aligned_alloc(64, (b->nbytes + 63) / 64 * 64 + 64);
      if (!b->t.data) die("out of memory for buffer %d (%zu bytes)", id, b->nbytes);
      b->t.device = (DLDevice){kDLCPU, 0};
      b->t.ndim = ndim;
      b->t.shape = b->shape;
      b->t.strides = NULL;
      b->t.byte_offset = 0;
      b->used = 1;
      if (fscanf(f, "%15s", how) != 1) die("bad 'buf' line");
      if (!strcmp(how, "zero")) {
        memset(b->t.data, 0, b->nbytes);
      } else if (!strcmp(how, "load")) {
        char path[4096];
        if (fscanf(f, "%4095s", path) != 1) die("bad 'buf' line");
        read_file(path, b->t.data, b->nbytes);
      } else {
        die("buffer %d: expected load PATH or zero, got %s", id, how);
      }
    } else if (!strcmp(cmd, "call")) {
      char name[200];
      int nargs, ids[64];
      if (fscanf(f, "%199s %d", name, &nargs) != 2 || nargs < 0 || nargs > 64) die("bad 'call' line");
      for (int i = 0; i < nargs; ++i)
        if (fscanf(f, "%d", &ids[i]) != 1) die("bad 'call' line");
      call(name, nargs, ids);
    } else if (!strcmp(cmd, "save")) {
      int id;
      char path[4096];
      if (fscanf(f, "%d %4095s", &id, path) != 2) die("bad 'save' line");
      Buf* b = get_buf(id);
      write_file(path, b->t.data, b->nbytes);
    } else {
      die("unknown script command %s", cmd);
    }
  }
  fclose(f);
  printf("sepgen-runner: ok calls=%ld launches=%ld max_tasks=%d max_threads=%d\n", g_calls, g_launches, g_max_tasks,
         g_max_threads);
  return 0;
}
