// headroom-standin: a stand-in for an inference server (SGLang, vLLM), for tests, the simulator
// and the benchmarks. It behaves the way those servers do where headroom cares:
//   - allocates its memory first (like loading weights), optionally in a tmpfs file
//     (--mem-dir, standin-PID-NONCE.mem, locked while it lives) that outlives the process, so
//     a lag driver can hold it after a death;
//   - "loads" for --load seconds while refusing connections (SGLang and vLLM do not listen yet);
//   - then serves GET /health (200, "ok pid=N") and POST /generate (200, a one-token answer);
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

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

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
               "         [--crash-when FILE]\n",
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
    else
      usage(("unknown option " + a).c_str());
  }
  return o;
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
  const off_t size = static_cast<off_t>(o.memory_mib) << 20;
  if (o.alloc == "anon") {
    void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      std::fprintf(stderr, "headroom-standin: mmap: %s\n", std::strerror(errno));
      std::exit(1);
    }
    const long page = sysconf(_SC_PAGESIZE);
    for (off_t off = 0; off < size; off += page)
      static_cast<volatile char*>(p)[off] = 1;
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
  if (fallocate(fd, 0, 0, size) != 0) {
    // Over the pool's limit, cgroup v2 fails the charge of fallocate() (ENOMEM) where v1 invokes
    // the OOM killer (seen in the VM stage). A real server's allocation is a page fault, which
    // cannot fail: fault the pages in, so the kernel's OOM killer decides, on either version.
    if (ftruncate(fd, size) != 0) {
      std::fprintf(stderr, "headroom-standin: %s: %s\n", what.c_str(), std::strerror(errno));
      std::exit(1);
    }
    void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      std::fprintf(stderr, "headroom-standin: mmap %s: %s\n", what.c_str(), std::strerror(errno));
      std::exit(1);
    }
    const long page = sysconf(_SC_PAGESIZE);
    for (off_t off = 0; off < size; off += page)
      static_cast<volatile char*>(p)[off] = 1;
    munmap(p, static_cast<size_t>(size));
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

void respond(int fd, int code, const char* reason, const std::string& body) {
  const std::string msg =
      "HTTP/1.1 " + std::to_string(code) + " " + reason +
      "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  (void)!write(fd, msg.data(), msg.size());
}

[[noreturn]] void wedge_forever() {
  std::fprintf(stderr, "headroom-standin: wedged\n");
  for (;;)
    pause();  // the listening socket stays open: connects succeed, nobody answers
}

void serve_one(int client, const Options& o) {
  char buf[4096];
  size_t got = 0;
  pollfd p{client, POLLIN, 0};
  while (got < sizeof buf - 1 && poll(&p, 1, 2000) > 0) {
    const ssize_t n = read(client, buf + got, sizeof buf - 1 - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
    buf[got] = '\0';
    if (std::strstr(buf, "\r\n\r\n") != nullptr) break;
  }
  buf[got] = '\0';
  const std::string req(buf);
  if (g_wedged) wedge_forever();
  if (req.rfind("GET /health", 0) == 0) {
    respond(client, 200, "OK", "ok pid=" + std::to_string(getpid()) + "\n");
  } else if (req.rfind("POST /generate", 0) == 0) {
    respond(client, 200, "OK", "{\"text\":\" ok\"}\n");
  } else if (req.rfind("GET /wedge", 0) == 0) {
    respond(client, 200, "OK", "wedging\n");
    g_wedged = 1;
  } else if (req.rfind("GET /crash", 0) == 0) {
    close(client);
    raise(SIGSEGV);
  } else if (req.rfind("GET /exit", 0) == 0) {
    const char* q = std::strstr(buf, "code=");
    close(client);
    std::exit(q != nullptr ? std::atoi(q + 5) : o.exit_code);
  } else {
    respond(client, 404, "Not Found", "unknown\n");
  }
  close(client);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
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
  allocate(o);
  spawn_workers(o);
  // "Loading": no socket yet, so connections are refused, as with SGLang and vLLM.
  while (now_s() - start < o.load_s || (!o.load_until.empty() && !exists(o.load_until)))
    usleep(20000);

  const int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr) != 1)
    usage("--host must be an IPv4 address");
  if (bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(srv, 64) != 0) {
    std::fprintf(stderr, "headroom-standin: cannot listen on %s:%d: %s\n", o.host.c_str(), o.port,
                 std::strerror(errno));
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("headroom-standin: ready on %s:%d (pid %d, %ld MiB)\n", o.host.c_str(),
              ntohs(addr.sin_port), getpid(), o.memory_mib);

  for (;;) {
    const double t = now_s() - start;
    if (g_wedged || (o.wedge_after >= 0 && t >= o.wedge_after)) wedge_forever();
    if (o.crash_after >= 0 && t >= o.crash_after) raise(SIGSEGV);
    if (o.exit_after >= 0 && t >= o.exit_after) return o.exit_code;
    if (!o.crash_when.empty() && exists(o.crash_when)) raise(SIGSEGV);
    pollfd p{srv, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      const int client = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) serve_one(client, o);
    }
  }
}
