// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom-standin: a stand-in for an inference server, for tests, the simulator and the
// benchmarks. It behaves the way the real engines do where headroom cares (core/engines.h, each
// from the engine's code, docs/field.md "engines"):
//   - allocates its memory first (like loading weights), optionally in a tmpfs file
//     (--mem-dir, standin-PID-NONCE.mem, locked while it lives) that outlives the process, so
//     a lag driver can hold it after a death; --alloc anon counts in its RSS; --alloc-seconds
//     spreads the allocation over a load that takes time; --weights FILE maps a model file and
//     reads it through, as llama.cpp's mmap does (--keep-mapped: CPU layers stay mapped);
//   - "loads" for --load seconds (or until --load-until FILE exists), then serves;
//   - --behave ENGINE plays an engine's answers:
//       generic   refuses while loading; GET /health 200 "ok pid=N", POST /generate 200;
//       sglang    no socket while loading; /health 503 (empty) during a warmup, then 200;
//                 POST /generate needs "text" (or input_ids) and "sampling_params", POST
//                 /v1/completions needs "prompt": 400 otherwise; "The server is fired up...";
//       vllm      the port bound but not listening while loading (refused); /health 200 from an
//                 error flag -- still 200 when wedged, while generation hangs; POST
//                 /v1/completions needs "prompt"; /generate 404; "Application startup complete.";
//       llamacpp  listening at once, every path 503 {"error":{"message":"Loading model",...}}
//                 while loading; /health 200 {"status":"ok"}; POST /completion needs "prompt"
//                 (400 '"prompt" must be provided'); /generate 404; "server is listening on";
//       ollama    listening at once; GET / "Ollama is running"; POST /api/generate needs the
//                 model named by --model (404 "model 'x' not found"), loads it on the first
//                 request (the load time then), "stream":false answers one JSON object.
//     Started under an engine's own name (a link named llama-server, vllm, sglang, ollama, or
//     python3 -m sglang.launch_server), it plays that engine, reads the engine's --host, --port,
//     model flags (and OLLAMA_HOST), ignores the rest, and takes its own options from the
//     HEADROOM_STANDIN environment variable (words as on its command line);
//   - can be told to wedge (GET /wedge, SIGUSR1: it stops answering but keeps its socket open,
//     so connects succeed and requests hang), to crash (GET /crash: SIGSEGV) or to exit
//     (GET /exit?code=N), now or after a delay (--wedge-after, --crash-after, --exit-after);
//   - forks --workers N children in its process group, which with --ignore-term ignore SIGTERM;
//   - with --join-cgroup DIR, moves itself into that cgroup first, as a container runtime places
//     a container (docker --cgroup-parent), so its memory is charged to that pool.
// Plain POSIX and the C++ standard library only, so it links statically for container images.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

struct Options {
  int port = 8000;
  std::string host = "127.0.0.1";
  long memory_mib = 0;
  std::string mem_dir;
  double load_s = 0;
  int workers = 0;
  bool ignore_term = false;
  double wedge_after = -1, crash_after = -1, exit_after = -1;
  int exit_code = 1;
  std::string join_cgroup;
  std::string alloc = "memfd";  // memfd (or the --mem-dir file), or anon
  // Cues from a test, by a file appearing: loading ends, or the server crashes. Tests wait for
  // events, not for time: a cue is as early or late as the test makes it, on any machine.
  std::string load_until, crash_when;
  std::string alloc_when;  // allocate only once this file exists: started, holding nothing yet
  // Serving, it keeps allocating once this file exists: --grow MiB more of anonymous memory over
  // --grow-seconds (a KV cache filling, a long prefill), past any limit.
  std::string grow_when;
  long grow_mib = 0;
  double grow_seconds = 10;
  std::string behave = "generic";
  double alloc_seconds = 0;       // spread the allocation over this long
  std::string weights;            // a model file to map and read through
  bool keep_mapped = false;       // keep --weights mapped after loading (CPU layers)
  double warmup_s = 0.5;          // sglang: /health 503 this long after the socket opens
  std::string model = "standin";  // ollama: the one model it has
};

volatile sig_atomic_t g_wedged = 0;
void on_usr1(int) {
  g_wedged = 1;
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "headroom-standin: %s\n"
               "usage: headroom-standin [--port N] [--host ADDR] [--memory MIB] [--mem-dir DIR]\n"
               "         [--load S] [--workers N] [--ignore-term] [--wedge-after S]\n"
               "         [--crash-after S] [--exit-after S] [--exit-code N]\n"
               "         [--join-cgroup DIR] [--alloc memfd|anon] [--load-until FILE]\n"
               "         [--crash-when FILE] [--alloc-when FILE] [--alloc-seconds S]\n"
               "         [--grow-when FILE --grow MIB [--grow-seconds S]]\n",
               why);
  std::exit(2);
}

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--port")
      o.port = std::atoi(value());
    else if (a == "--host")
      o.host = value();
    else if (a == "--memory")
      o.memory_mib = std::atol(value());
    else if (a == "--mem-dir")
      o.mem_dir = value();
    else if (a == "--load")
      o.load_s = std::atof(value());
    else if (a == "--workers")
      o.workers = std::atoi(value());
    else if (a == "--ignore-term")
      o.ignore_term = true;
    else if (a == "--wedge-after")
      o.wedge_after = std::atof(value());
    else if (a == "--crash-after")
      o.crash_after = std::atof(value());
    else if (a == "--exit-after")
      o.exit_after = std::atof(value());
    else if (a == "--exit-code")
      o.exit_code = std::atoi(value());
    else if (a == "--join-cgroup")
      o.join_cgroup = value();
    else if (a == "--alloc")
      o.alloc = value();
    else if (a == "--load-until")
      o.load_until = value();
    else if (a == "--crash-when")
      o.crash_when = value();
    else if (a == "--alloc-when")
      o.alloc_when = value();
    else if (a == "--grow-when")
      o.grow_when = value();
    else if (a == "--grow")
      o.grow_mib = std::atol(value());
    else if (a == "--grow-seconds")
      o.grow_seconds = std::atof(value());
    else if (a == "--behave")
      o.behave = value();
    else if (a == "--alloc-seconds")
      o.alloc_seconds = std::atof(value());
    else if (a == "--weights")
      o.weights = value();
    else if (a == "--keep-mapped")
      o.keep_mapped = true;
    else if (a == "--warmup")
      o.warmup_s = std::atof(value());
    else if (a == "--model")
      o.model = value();
    else
      usage(("unknown option " + a).c_str());
  }
  if (o.behave != "generic" && o.behave != "sglang" && o.behave != "vllm" &&
      o.behave != "llamacpp" && o.behave != "ollama") {
    usage("--behave is generic, sglang, vllm, llamacpp or ollama");
  }
  return o;
}

std::string base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash != nullptr ? slash + 1 : path;
}

// Under an engine's name: that engine's command line (its address and model; the rest ignored),
// the stand-in's own options from HEADROOM_STANDIN.
bool parse_as_engine(int argc, char** argv, Options& o) {
  const std::string prog = base_name(argv[0]);
  std::string behave;
  int first = 1;
  if (prog == "llama-server") {
    behave = "llamacpp";
  } else if ((prog == "vllm" || prog == "sglang" || prog == "ollama") && argc > 1 &&
             std::strcmp(argv[1], "serve") == 0) {
    behave = prog == "vllm" ? "vllm" : prog == "sglang" ? "sglang" : "ollama";
    first = 2;
  } else if (prog.rfind("python", 0) == 0 && argc > 2 && std::strcmp(argv[1], "-m") == 0 &&
             std::strcmp(argv[2], "sglang.launch_server") == 0) {
    behave = "sglang";
    first = 3;
  } else {
    return false;
  }
  std::vector<std::string> words = {"headroom-standin"};
  if (const char* env = std::getenv("HEADROOM_STANDIN")) {
    std::string w;
    for (const char* c = env;; ++c) {
      if (*c == ' ' || *c == '\0') {
        if (!w.empty()) words.push_back(w);
        w.clear();
        if (*c == '\0') break;
      } else {
        w += *c;
      }
    }
  }
  std::vector<char*> args;
  for (std::string& w : words)
    args.push_back(w.data());
  o = parse(static_cast<int>(args.size()), args.data());
  o.behave = behave;
  o.host = "127.0.0.1";
  o.port = behave == "sglang"     ? 30000
           : behave == "vllm"     ? 8000
           : behave == "llamacpp" ? 8080
                                  : 11434;
  if (behave == "vllm") o.host = "0.0.0.0";
  if (behave == "ollama") {
    if (const char* h = std::getenv("OLLAMA_HOST"); h != nullptr && *h != '\0') {
      std::string v = h;
      if (const size_t colon = v.rfind(':'); colon != std::string::npos) {
        o.port = std::atoi(v.c_str() + colon + 1);
        v = v.substr(0, colon);
      }
      if (!v.empty()) o.host = v;
    }
  }
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--host" && next != nullptr) {
      o.host = next;
      ++i;
    } else if (a == "--port" && next != nullptr) {
      o.port = std::atoi(next);
      ++i;
    } else if (behave == "sglang" && (a == "--model-path" || a == "--model") && next != nullptr) {
      o.model = next;  // SGLang serves it under its path (server_args.served_model_name)
      ++i;
    }
  }
  return true;
}

// Allocates the whole share first, as the issue's stand-in does ("allocates its share, then loads
// for T s") and as SGLang and vLLM take their static memory fraction at start: an early start in a
// full pool is OOM-killed at once. fallocate() on a tmpfs file (--mem-dir, so the pages outlive
// the process) or on a memfd charges every page to this process's memory cgroup; unlike touching
// a mapping page by page it takes tens of milliseconds even in a VM with slow page faults, so
// --load stays the load time.
// --alloc anon: anonymous memory, touched page by page, as a process's heap: it counts in the
// process's RSS, so the kernel's OOM killer picks this process over a small one beside it in the
// same cgroup (a memfd's unmapped pages are charged to the cgroup but to no process's RSS).
void allocate(const Options& o) {
  if (o.memory_mib <= 0) return;
  // --alloc-when: a server that has started and holds nothing yet, as one still reading its
  // checkpoint's headers; the test says when it takes its memory.
  while (!o.alloc_when.empty() && !exists(o.alloc_when))
    usleep(20000);
  const off_t size = static_cast<off_t>(o.memory_mib) << 20;
  // --alloc-seconds: in 50 steps spread over that long, as a loading server grows.
  constexpr int kSteps = 50;
  const int steps = o.alloc_seconds > 0 ? kSteps : 1;
  auto pause_step = [&] {
    if (steps > 1) usleep(static_cast<useconds_t>(o.alloc_seconds * 1e6 / kSteps));
  };
  const long page = sysconf(_SC_PAGESIZE);
  auto touch = [&](void* p, off_t from, off_t to) {
    for (off_t off = from; off < to; off += page)
      static_cast<volatile char*>(p)[off] = 1;
  };
  if (o.alloc == "anon") {
    void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      std::fprintf(stderr, "headroom-standin: mmap: %s\n", std::strerror(errno));
      std::exit(1);
    }
    for (int k = 0; k < steps; ++k) {
      touch(p, size * k / steps, size * (k + 1) / steps);
      pause_step();
    }
    return;
  }
  if (o.alloc != "memfd") usage("--alloc is memfd or anon");
  int fd = -1;
  std::string what = "memfd";
  if (!o.mem_dir.empty()) {
    // A unique name (a container's PID repeats across restarts), created under a temporary name
    // and renamed once locked: the lag driver treats an unlocked file as a dead server's.
    char nonce[17];
    std::snprintf(nonce, sizeof nonce, "%08lx%08lx",
                  static_cast<unsigned long>(now_s() * 1e6) & 0xffffffffUL,
                  static_cast<unsigned long>(getpid()) * 2654435761UL & 0xffffffffUL);
    const std::string base = "standin-" + std::to_string(getpid()) + "-" + nonce + ".mem";
    const std::string tmp = o.mem_dir + "/.creating-" + base;
    what = o.mem_dir + "/" + base;
    fd = open(tmp.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 && (flock(fd, LOCK_SH) != 0 || rename(tmp.c_str(), what.c_str()) != 0)) {
      close(fd);
      fd = -1;
    }
  } else {
    fd = memfd_create("headroom-standin", MFD_CLOEXEC);
  }
  if (fd < 0) {
    std::fprintf(stderr, "headroom-standin: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
  }
  for (int k = 0; k < steps; ++k) {
    const off_t from = size * k / steps, to = size * (k + 1) / steps;
    if (fallocate(fd, 0, from, to - from) != 0) {
      // Over the pool's limit, cgroup v2 fails the charge of fallocate() (ENOMEM) where v1
      // invokes the OOM killer (seen in the VM stage). A real server's allocation is a page
      // fault, which cannot fail: fault the rest in, so the kernel's OOM killer decides, on
      // either version.
      if (ftruncate(fd, size) != 0) {
        std::fprintf(stderr, "headroom-standin: %s: %s\n", what.c_str(), std::strerror(errno));
        std::exit(1);
      }
      void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (p == MAP_FAILED) {
        std::fprintf(stderr, "headroom-standin: mmap %s: %s\n", what.c_str(), std::strerror(errno));
        std::exit(1);
      }
      touch(p, from, size);
      munmap(p, static_cast<size_t>(size));
      break;
    }
    pause_step();
  }
  // The fd stays open (and, with --mem-dir, locked) for the process's life: the lock is how the
  // lag driver knows this server is alive, across PID namespaces.
}

void spawn_workers(const Options& o) {
  for (int i = 0; i < o.workers; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      for (;;)
        pause();  // a worker: holds nothing, waits to be killed
    }
  }
}

// --weights FILE: mapped and read through, as llama.cpp's default mmap load does. With a full
// offload the loader unmaps what went to the GPU afterwards (llama-model-loader.cpp, "unmap
// offloaded tensors"): unmapped here unless --keep-mapped.
void* g_weights = nullptr;
size_t g_weights_size = 0;

void map_weights(const Options& o) {
  if (o.weights.empty()) return;
  const int fd = open(o.weights.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::fprintf(stderr, "headroom-standin: %s: %s\n", o.weights.c_str(), std::strerror(errno));
    std::exit(1);
  }
  g_weights_size = static_cast<size_t>(st.st_size);
  g_weights = mmap(nullptr, g_weights_size, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (g_weights == MAP_FAILED) {
    std::fprintf(stderr, "headroom-standin: mmap %s: %s\n", o.weights.c_str(),
                 std::strerror(errno));
    std::exit(1);
  }
  unsigned sum = 0;
  const long page = sysconf(_SC_PAGESIZE);
  for (size_t off = 0; off < g_weights_size; off += static_cast<size_t>(page))
    sum += static_cast<const volatile unsigned char*>(g_weights)[off];
  (void)sum;
}

void unmap_offloaded(const Options& o) {
  if (g_weights == nullptr || o.keep_mapped) return;
  munmap(g_weights, g_weights_size);
  g_weights = nullptr;
}

struct Request {
  std::string method, path, body;
};

// Reads one request: the head, then Content-Length bytes of body.
bool read_request(int client, Request& r) {
  std::string in;
  char buf[4096];
  pollfd p{client, POLLIN, 0};
  size_t head_end = std::string::npos, want = 0;
  while (in.size() < (1u << 20) && poll(&p, 1, 2000) > 0) {
    const ssize_t n = read(client, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      std::string lower;
      for (size_t i = 0; i < head_end; ++i)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(in[i])));
      const size_t cl = lower.find("content-length:");
      want = cl == std::string::npos ? 0 : std::strtoul(lower.c_str() + cl + 15, nullptr, 10);
    }
    if (head_end != std::string::npos && in.size() >= head_end + 4 + want) break;
  }
  if (head_end == std::string::npos) return false;
  const size_t sp1 = in.find(' '), sp2 = in.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  r.method = in.substr(0, sp1);
  r.path = in.substr(sp1 + 1, sp2 - sp1 - 1);
  r.body = in.substr(head_end + 4, want);
  return true;
}

bool respond(int fd, int code, const char* reason, const std::string& body,
             const char* type = "text/plain") {
  const std::string msg =
      "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + type +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  (void)!write(fd, msg.data(), msg.size());
  return true;
}

bool json(int fd, int code, const char* reason, const std::string& body) {
  return respond(fd, code, reason, body, "application/json");
}

[[noreturn]] void wedge_forever() {
  std::fprintf(stderr, "headroom-standin: wedged\n");
  for (;;)
    pause();  // the listening socket stays open: connects succeed, nobody answers
}

// A JSON body "has" a key when "key" appears as a key ("key":): enough for the engines' checks.
bool has_key(const std::string& body, const char* key) {
  return body.find(std::string("\"") + key + "\":") != std::string::npos ||
         body.find(std::string("\"") + key + "\" :") != std::string::npos;
}

// The engine's answer while it serves; false when the request is left hanging (a wedged vLLM's
// generation). `loaded_at`: for Ollama, when its model was loaded (0: not yet). Long on purpose:
// one branch per engine and path, the table of what each engine answers.
bool answer(int client, const Request& r, const Options& o, double start, double& loaded_at) {
  const std::string& b = o.behave;
  const bool wedged = g_wedged != 0;
  // The test's controls, on every behaviour.
  if (r.path == "/wedge") {
    respond(client, 200, "OK", "wedging\n");
    g_wedged = 1;
    return true;
  }
  if (r.path == "/crash") {
    close(client);
    raise(SIGSEGV);
  }
  if (r.path.rfind("/exit", 0) == 0) {
    const size_t q = r.path.find("code=");
    close(client);
    std::exit(q != std::string::npos ? std::atoi(r.path.c_str() + q + 5) : o.exit_code);
  }
  // vLLM: /health reads an error flag, so it answers on a wedged engine (vllm#39863); only
  // generation hangs: its request is never answered (the connection stays open).
  if (b == "vllm" && r.method == "GET" && r.path == "/health") {
    respond(client, 200, "OK", "");
    return true;
  }
  if (wedged && b == "vllm") return false;
  if (wedged) wedge_forever();
  if (b == "generic") {
    if (r.method == "GET" && r.path.rfind("/health", 0) == 0) {
      respond(client, 200, "OK", "ok pid=" + std::to_string(getpid()) + "\n");
    } else if (r.method == "POST" && r.path == "/generate") {
      json(client, 200, "OK", "{\"text\":\" ok\"}\n");
    } else {
      respond(client, 404, "Not Found", "unknown\n");
    }
    return true;
  }
  if (b == "sglang") {
    if (r.method == "GET" && (r.path == "/health" || r.path == "/health_generate")) {
      // 503 until the warmup generation succeeded (http_server.py _wait_and_warmup).
      if (now_s() - start < o.warmup_s) return respond(client, 503, "Service Unavailable", "");
      return respond(client, 200, "OK", "");
    }
    if (r.method == "GET" && r.path == "/v1/models") {  // http_server.py: the served model
      std::string id;
      for (const char c : o.model) {
        if (c == '"' || c == '\\') id += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) id += c;
      }
      return json(client, 200, "OK",
                  "{\"object\":\"list\",\"data\":[{\"id\":\"" + id +
                      "\",\"object\":\"model\",\"owned_by\":\"sglang\"}]}");
    }
    if (r.method == "POST" && r.path == "/generate") {
      if ((has_key(r.body, "text") || has_key(r.body, "input_ids")) &&
          has_key(r.body, "sampling_params")) {
        return json(client, 200, "OK", "{\"text\":\" ok\",\"meta_info\":{}}");
      }
      return json(client, 400, "Bad Request",
                  "{\"object\":\"error\",\"message\":\"Either text or input_ids should be "
                  "provided.\",\"code\":400}");
    }
    if (r.method == "POST" && r.path == "/v1/completions") {
      if (has_key(r.body, "prompt")) {
        return json(client, 200, "OK", "{\"choices\":[{\"text\":\" ok\"}]}");
      }
      return json(client, 400, "Bad Request", "{\"object\":\"error\",\"code\":400}");
    }
    return json(client, 404, "Not Found", "{\"detail\":\"Not Found\"}");
  }
  if (b == "vllm") {
    if (r.method == "GET" && r.path == "/v1/models") {
      return json(client, 200, "OK", "{\"data\":[{\"id\":\"standin\"}]}");
    }
    if (r.method == "POST" && r.path == "/v1/completions") {
      if (has_key(r.body, "prompt")) {
        return json(client, 200, "OK", "{\"choices\":[{\"text\":\" ok\"}]}");
      }
      return json(client, 400, "Bad Request",
                  "{\"object\":\"error\",\"message\":\"prompt: Field required\",\"code\":400}");
    }
    return json(client, 404, "Not Found", "{\"detail\":\"Not Found\"}");
  }
  if (b == "llamacpp") {
    if (r.method == "GET" && (r.path == "/health" || r.path == "/v1/health")) {
      return json(client, 200, "OK", "{\"status\":\"ok\"}");
    }
    if (r.method == "POST" &&
        (r.path == "/completion" || r.path == "/completions" || r.path == "/v1/completions")) {
      if (has_key(r.body, "prompt")) return json(client, 200, "OK", "{\"content\":\" ok\"}");
      return json(client, 400, "Bad Request",
                  "{\"error\":{\"code\":400,\"message\":\"\\\"prompt\\\" must be provided\","
                  "\"type\":\"invalid_request_error\"}}");
    }
    return json(client, 404, "Not Found",
                "{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_"
                "error\"}}");
  }
  // ollama
  if ((r.method == "GET" || r.method == "HEAD") && r.path == "/") {
    return respond(client, 200, "OK", "Ollama is running");
  }
  if (r.method == "GET" && r.path == "/api/version") {
    return json(client, 200, "OK", "{\"version\":\"0.0.0-standin\"}");
  }
  if (r.method == "POST" && r.path == "/api/generate") {
    if (r.body.empty())
      return json(client, 400, "Bad Request", "{\"error\":\"missing request body\"}");
    const std::string want = "\"model\":\"" + o.model + "\"";
    if (r.body.find(want) == std::string::npos) {
      return json(client, 404, "Not Found", "{\"error\":\"model not found\"}");
    }
    if (loaded_at == 0) {
      // The model loads on the first request that names it: the answer waits for the load.
      const double t0 = now_s();
      while (now_s() - t0 < o.load_s || (!o.load_until.empty() && !exists(o.load_until)))
        usleep(20000);
      loaded_at = now_s();
    }
    return json(client, 200, "OK",
                "{\"model\":\"" + o.model + "\",\"response\":\" ok\",\"done\":true}");
  }
  return json(client, 404, "Not Found", "404 page not found");
}

}  // namespace

// Long on purpose: the stand-in's life in the order an engine lives it (join the cgroup, bind as
// the engine does, allocate and load, listen, serve and misbehave on cue), read top to bottom.
int main(int argc, char** argv) {
  Options o;
  if (!parse_as_engine(argc, argv, o)) o = parse(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  signal(SIGUSR1, on_usr1);
  if (o.ignore_term) signal(SIGTERM, SIG_IGN);
  const double start = now_s();

  if (!o.join_cgroup.empty()) {
    const std::string procs = o.join_cgroup + "/cgroup.procs";
    const int fd = open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0\n", 2) != 2) {
      std::fprintf(stderr, "headroom-standin: cannot join %s: %s\n", procs.c_str(),
                   std::strerror(errno));
      return 1;
    }
    close(fd);
  }

  // The socket: SGLang and the generic stand-in open it only once loaded; vLLM binds first but
  // listens once loaded (connections refused meanwhile); llama-server and Ollama listen at once.
  const int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  const std::string bind_host = o.host == "localhost" ? "127.0.0.1" : o.host;
  if (inet_pton(AF_INET, bind_host.c_str(), &addr.sin_addr) != 1)
    usage("--host must be an IPv4 address");
  auto bind_now = [&] {
    if (bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::fprintf(stderr, "headroom-standin: cannot bind %s:%d: %s\n", o.host.c_str(), o.port,
                   std::strerror(errno));
      std::exit(1);
    }
  };
  auto listen_now = [&] {
    if (listen(srv, 64) != 0) {
      std::fprintf(stderr, "headroom-standin: cannot listen: %s\n", std::strerror(errno));
      std::exit(1);
    }
  };
  const bool early_bind = o.behave == "vllm" || o.behave == "llamacpp" || o.behave == "ollama";
  const bool early_listen = o.behave == "llamacpp" || o.behave == "ollama";
  if (early_bind) bind_now();
  if (early_listen) {
    listen_now();
    if (o.behave == "ollama") {
      std::printf("time=0 level=INFO msg=\"Listening on %s:%d (version 0.0.0-standin)\"\n",
                  o.host.c_str(), o.port);
    }
  }

  allocate(o);
  map_weights(o);
  spawn_workers(o);
  // "Loading": llama-server answers 503 "Loading model" on every path meanwhile; Ollama loads
  // its model only on request, so it serves at once.
  auto loading = [&] {
    return now_s() - start < o.load_s || (!o.load_until.empty() && !exists(o.load_until));
  };
  if (o.behave != "ollama") {
    while (loading()) {
      if (o.behave == "llamacpp") {
        pollfd p{srv, POLLIN, 0};
        if (poll(&p, 1, 20) > 0) {
          const int client = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
          Request r;
          if (client >= 0 && read_request(client, r)) {
            json(client, 503, "Service Unavailable",
                 "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_"
                 "error\"}}");
          }
          if (client >= 0) close(client);
        }
      } else {
        usleep(20000);
      }
    }
  }
  unmap_offloaded(o);
  if (!early_bind) bind_now();
  if (!early_listen) listen_now();
  socklen_t len = sizeof addr;
  getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  if (o.behave == "llamacpp") {
    std::printf("main: server is listening on http://%s:%d - starting the main loop\n",
                o.host.c_str(), port);
  } else if (o.behave == "vllm") {
    std::printf("INFO:     Application startup complete.\n");
  } else if (o.behave == "sglang") {
    std::printf("The server is fired up and ready to roll!\n");
  }
  std::printf("headroom-standin: ready on %s:%d (pid %d, %ld MiB)\n", o.host.c_str(), port,
              getpid(), o.memory_mib);

  const double serving = now_s();
  double ollama_loaded = 0;
  // --grow: reserved now, touched page by page as the growth goes (a step per loop, so the
  // server keeps answering while it grows).
  char* grow = nullptr;
  size_t grown = 0;
  double grow_from = -1;
  const size_t grow_size = static_cast<size_t>(o.grow_mib) << 20;
  if (grow_size > 0) {
    void* p = mmap(nullptr, grow_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) grow = static_cast<char*>(p);
  }
  for (;;) {
    const double t = now_s() - start;
    if (grow != nullptr && grown < grow_size && !o.grow_when.empty()) {
      if (grow_from < 0 && exists(o.grow_when)) grow_from = now_s();
      if (grow_from >= 0) {
        const double part = o.grow_seconds > 0 ? (now_s() - grow_from) / o.grow_seconds : 1.0;
        const size_t target =
            std::min(grow_size, static_cast<size_t>(part * static_cast<double>(grow_size)));
        const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        for (; grown < target; grown += page)
          static_cast<volatile char*>(grow)[grown] = 1;
      }
    }
    if (o.behave != "vllm" && (g_wedged || (o.wedge_after >= 0 && t >= o.wedge_after))) {
      wedge_forever();
    }
    if (o.wedge_after >= 0 && t >= o.wedge_after) g_wedged = 1;
    if (o.crash_after >= 0 && t >= o.crash_after) raise(SIGSEGV);
    if (o.exit_after >= 0 && t >= o.exit_after) return o.exit_code;
    if (!o.crash_when.empty() && exists(o.crash_when)) raise(SIGSEGV);
    pollfd p{srv, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      const int client = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      Request r;
      // A request left hanging keeps its connection open, as a wedged engine's does.
      if (!read_request(client, r) || answer(client, r, o, serving, ollama_loaded)) close(client);
    }
  }
}
