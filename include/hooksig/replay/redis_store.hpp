// hooksig — webhook signing and verification. MIT License.
#pragma once

/// A Redis store for replay_guard, for receivers running on several machines:
/// every check (or reserve) is one `SET key 1 NX EX ttl`, atomic on the
/// server, so exactly one receiver sees a given id first; a commit is one
/// `SET key 1 EX ttl`, a release one `DEL key`.
///
/// Not part of the core library and not included by hooksig.hpp: link the
/// CMake target `hooksig::redis` (it adds hiredis, found with pkg-config).
///
/// Failures are values, never exceptions: errc::store_unavailable when Redis
/// cannot be reached (refused, reset, timed out; the connection is dropped and
/// re-made on a later call, at most once per reconnect_interval), and
/// errc::store_error when Redis answers with an error (OOM, NOAUTH, READONLY).
/// replay_options::on_store_failure decides what the guard makes of them.
///
/// A lost connection never raises SIGPIPE in the caller: the store blocks
/// SIGPIPE on the calling thread while it talks to Redis and discards one it
/// caused.

#include <chrono>
#include <csignal>
#include <cstddef>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <pthread.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "../error.hpp"

namespace hooksig {

/// Where and how to reach Redis.
struct redis_options {
    std::string host = "127.0.0.1"; ///< host name or address (TCP)
    int port = 6379;                ///< TCP port
    /// Password for AUTH; empty: no AUTH. Never logged or put in messages.
    std::string password;
    /// Limit on establishing a connection.
    std::chrono::milliseconds connect_timeout{1000};
    /// Limit on each command's round trip; a receiver answers 503 after it.
    std::chrono::milliseconds command_timeout{1000};
    /// Least time between reconnection attempts after a failure; calls in
    /// between fail at once with errc::store_unavailable (no pile-up of
    /// connect timeouts while Redis is down). 0: try on every call.
    std::chrono::milliseconds reconnect_interval{1000};
};

/// replay_guard store over one Redis connection (see the file comment).
/// Thread-safe: calls share the connection under a mutex, one round trip at a
/// time. Connects on first use; ping() checks the connection at start-up.
class redis_store {
public:
    /// Keeps the options; does not connect yet.
    explicit redis_store(redis_options options = {}) : options_(std::move(options)) {}
    ~redis_store() {
        if (context_ != nullptr) redisFree(context_);
    }
    redis_store(const redis_store&) = delete;
    redis_store& operator=(const redis_store&) = delete;

    /// `SET key 1 NX EX ttl`: `inserted` is true when Redis answered OK (the
    /// key was absent), false when it answered nil (present and unexpired).
    /// @return errc::invalid_argument (ttl under 1 s), errc::store_unavailable,
    ///         errc::store_error.
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept {
        inserted = false;
        if (ttl.count() < 1) return errc::invalid_argument;
        const std::lock_guard<std::mutex> lock(mutex_);
        const long long seconds = static_cast<long long>(ttl.count());
        redisReply* reply = nullptr;
        if (const std::error_code failed = command(reply, "SET %b 1 NX EX %lld", key.data(), key.size(), seconds))
            return failed;
        std::error_code result;
        if (reply->type == REDIS_REPLY_STATUS && std::string_view(reply->str, reply->len) == "OK") inserted = true;
        else if (reply->type != REDIS_REPLY_NIL) result = errc::store_error;
        freeReplyObject(reply);
        return result;
    }

    /// `SET key 1 EX ttl`: the key expires `ttl` from now, recorded again if
    /// it ran out (the optional `extend` of the store interface:
    /// replay_guard::commit()).
    /// @return errc::invalid_argument (ttl under 1 s), errc::store_unavailable,
    ///         errc::store_error.
    std::error_code extend(std::string_view key, std::chrono::seconds ttl) noexcept {
        if (ttl.count() < 1) return errc::invalid_argument;
        const std::lock_guard<std::mutex> lock(mutex_);
        const long long seconds = static_cast<long long>(ttl.count());
        redisReply* reply = nullptr;
        if (const std::error_code failed = command(reply, "SET %b 1 EX %lld", key.data(), key.size(), seconds))
            return failed;
        const bool ok = reply->type == REDIS_REPLY_STATUS && std::string_view(reply->str, reply->len) == "OK";
        freeReplyObject(reply);
        return ok ? std::error_code() : std::error_code(errc::store_error);
    }

    /// `DEL key`.
    /// @return errc::store_unavailable, errc::store_error.
    std::error_code erase(std::string_view key) noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        redisReply* reply = nullptr;
        if (const std::error_code failed = command(reply, "DEL %b", key.data(), key.size())) return failed;
        const bool ok = reply->type == REDIS_REPLY_INTEGER;
        freeReplyObject(reply);
        return ok ? std::error_code() : std::error_code(errc::store_error);
    }

    /// `PING`: connects if needed and checks that Redis answers.
    /// @return errc::store_unavailable, errc::store_error.
    std::error_code ping() noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        redisReply* reply = nullptr;
        if (const std::error_code failed = command(reply, "PING")) return failed;
        const bool ok = reply->type == REDIS_REPLY_STATUS;
        freeReplyObject(reply);
        return ok ? std::error_code() : std::error_code(errc::store_error);
    }

    /// The options this store uses.
    const redis_options& options() const noexcept { return options_; }

private:
    /// Blocks SIGPIPE on this thread for its lifetime and swallows one raised
    /// meanwhile (as libpq does), so writing to a reset socket cannot kill the
    /// process whatever the application's SIGPIPE disposition.
    class sigpipe_guard {
    public:
        sigpipe_guard() noexcept {
            sigemptyset(&pipe_);
            sigaddset(&pipe_, SIGPIPE);
            pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
            sigset_t pending;
            sigemptyset(&pending);
            sigpending(&pending);
            already_pending_ = sigismember(&pending, SIGPIPE) == 1;
        }
        ~sigpipe_guard() {
            if (!already_pending_) {
                sigset_t pending;
                sigemptyset(&pending);
                sigpending(&pending);
                if (sigismember(&pending, SIGPIPE) == 1) {
                    const timespec zero{0, 0};
                    sigtimedwait(&pipe_, nullptr, &zero);
                }
            }
            pthread_sigmask(SIG_SETMASK, &old_, nullptr);
        }
        sigpipe_guard(const sigpipe_guard&) = delete;
        sigpipe_guard& operator=(const sigpipe_guard&) = delete;

    private:
        sigset_t pipe_;
        sigset_t old_;
        bool already_pending_ = false;
    };

    static timeval to_timeval(std::chrono::milliseconds ms) noexcept {
        timeval tv{};
        tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
        tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
        return tv;
    }

    void disconnect() noexcept {
        if (context_ != nullptr) redisFree(context_);
        context_ = nullptr;
        last_failure_ = std::chrono::steady_clock::now();
        failed_before_ = true;
    }

    /// Makes sure a connection exists (under mutex_).
    std::error_code connect() noexcept {
        if (context_ != nullptr) return {};
        if (failed_before_ && std::chrono::steady_clock::now() - last_failure_ < options_.reconnect_interval)
            return errc::store_unavailable;
        const timeval connect_limit = to_timeval(options_.connect_timeout);
        context_ = redisConnectWithTimeout(options_.host.c_str(), options_.port, connect_limit);
        if (context_ == nullptr || context_->err != 0) {
            disconnect();
            return errc::store_unavailable;
        }
        if (redisSetTimeout(context_, to_timeval(options_.command_timeout)) != REDIS_OK) {
            disconnect();
            return errc::store_unavailable;
        }
        if (!options_.password.empty()) {
            auto* reply = static_cast<redisReply*>(
                redisCommand(context_, "AUTH %b", options_.password.data(), options_.password.size()));
            if (reply == nullptr) {
                disconnect();
                return errc::store_unavailable;
            }
            const bool ok = reply->type == REDIS_REPLY_STATUS;
            freeReplyObject(reply);
            if (!ok) {
                disconnect();
                return errc::store_error;
            }
        }
        failed_before_ = false;
        return {};
    }

    /// Runs one command (under mutex_); on success `reply` is non-null and the
    /// caller frees it. A transport failure drops the connection.
    template <class... Args>
    std::error_code command(redisReply*& reply, const char* format, Args... args) noexcept {
        const sigpipe_guard no_sigpipe;
        if (const std::error_code failed = connect()) return failed;
        reply = static_cast<redisReply*>(redisCommand(context_, format, args...));
        if (reply == nullptr) {
            disconnect();
            return errc::store_unavailable;
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            freeReplyObject(reply);
            reply = nullptr;
            return errc::store_error;
        }
        return {};
    }

    redis_options options_;
    std::mutex mutex_;
    redisContext* context_ = nullptr;
    bool failed_before_ = false;
    std::chrono::steady_clock::time_point last_failure_{};
};

} // namespace hooksig
