# cmake --install into a temporary prefix; a separate project finds it with
# find_package(hooksig CONFIG REQUIRED), and pkg-config finds hooksig.pc.
set -euo pipefail
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install build/default --prefix "$prefix"
cmake -S tests/consumer -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
cmake --build "$prefix/consumer-build"
"$prefix/consumer-build/consumer"
"$prefix/consumer-build/consumer_redis"
PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --exists --print-errors hooksig
g++ -Wall -Wextra -Wpedantic -Werror tests/consumer/consumer.cpp -o "$prefix/consumer-pc" \
  $(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags --libs hooksig)
"$prefix/consumer-pc"
echo "install + consumer: ok"
