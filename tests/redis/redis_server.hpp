// Test fixture: a private redis-server on a free loopback port, started and
// stopped (or killed, paused, resumed) by the test. Never uses a system Redis.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

namespace redis_test {

/// A loopback TCP port nothing listens on right now (the kernel picks it).
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t size = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// True when the Redis on 127.0.0.1:port is process `pid` (INFO's process_id),
/// so a Redis another test started on the same port is never mistaken for ours.
inline bool answers(int port, pid_t pid) {
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeval{0, 200000});
    bool ok = false;
    if (c != nullptr && c->err == 0) {
        redisSetTimeout(c, timeval{0, 500000});
        if (auto* r = static_cast<redisReply*>(redisCommand(c, "INFO server"))) {
            const std::string want = "process_id:" + std::to_string(pid) + "\r\n";
            ok = r->type == REDIS_REPLY_STRING && std::string(r->str, r->len).find(want) != std::string::npos;
            freeReplyObject(r);
        }
    }
    if (c != nullptr) redisFree(c);
    return ok;
}

/// A redis-server child process: no persistence, loopback only.
class server {
public:
    /// Starts on a free port (retrying with another port if one is taken meanwhile).
    server() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = free_port();
            if (start()) return;
        }
        throw std::runtime_error("redis-server did not start");
    }
    ~server() { stop(); }
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    int port() const { return port_; }

    /// Starts again on the same port (after kill()); true when it answers.
    bool start() {
        stop();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork() failed");
        if (pid_ == 0) {
            const int null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                ::dup2(null, 1);
                ::dup2(null, 2);
            }
            const std::string port = std::to_string(port_);
            ::execlp(HOOKSIG_REDIS_SERVER, HOOKSIG_REDIS_SERVER, "--port", port.c_str(), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", "/tmp", "--daemonize", "no",
                     static_cast<char*>(nullptr));
            ::_exit(127);
        }
        for (int i = 0; i < 100; ++i) {
            if (answers(port_, pid_)) return true;
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) { // exited: port taken?
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        stop();
        return false;
    }

    /// SIGKILL: Redis vanishes mid-run, as on a crash or a lost host.
    void kill() { stop(); }

    /// SIGSTOP / SIGCONT: Redis hangs (accepts nothing, answers nothing).
    void pause() { ::kill(pid_, SIGSTOP); }
    void resume() { ::kill(pid_, SIGCONT); }

private:
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    int port_ = 0;
    pid_t pid_ = -1;
};

} // namespace redis_test
