# Consumers, strictly: cmake --install into a temporary prefix, then a separate
# project (tests/consumer/) whose own targets build with -Wall -Wextra -Wpedantic
# -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast -Werror, with g++ and
# clang++, C++17/20/23 (Botan 3 builds: 20/23), through find_package of the install,
# add_subdirectory(... SYSTEM), FetchContent (SYSTEM, from this clone) and
# pkg-config. Each consumer binary verifies a delivery. Uses build/default (10-default.sh).
# HOOKSIG_CONSUMER_BUILD picks another configured build dir (the Botan 3 leg), and
# HOOKSIG_CONSUMER_ROUTES the CMake routes (default: package subdirectory fetchcontent).
set -euo pipefail
build=${HOOKSIG_CONSUMER_BUILD:-build/default}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
start=$(date +%s)
cmake --install "$build" --prefix "$prefix" >/dev/null
major=$(sed -n 's/^HOOKSIG_BOTAN_MAJOR:[A-Z]*=//p' "$build/CMakeCache.txt")
standards="17 20 23"; [ "$major" = 3 ] && standards="20 23"
botan_prefix=$(sed -n 's/^CMAKE_PREFIX_PATH:[A-Z]*=//p' "$build/CMakeCache.txt")
strict=(-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast -Werror)
read -r -a stds <<< "$standards"
read -r -a routes <<< "${HOOKSIG_CONSUMER_ROUTES:-package subdirectory fetchcontent}"
count=0 c=0
for cxx in g++ clang++; do
  for i in "${!stds[@]}"; do
    std=${stds[$i]}
    # Each compiler takes each CMake route once, the routes rotated over the
    # standards (shifted per compiler), so every compiler x standard pair has a
    # CMake build and a pkg-config build (below) without building every route
    # at every standard: 6 CMake builds on Botan 2, not 10 (each costs a configure).
    modes=""
    for r in "${!routes[@]}"; do [ $(( (r + c) % ${#stds[@]} )) = "$i" ] && modes="$modes ${routes[$r]}"; done
    for mode in $modes; do
      dir="$prefix/consumer-$cxx-$std-$mode"
      cmake -S tests/consumer -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_STANDARD="$std" \
        -DCMAKE_CXX_STANDARD_REQUIRED=ON -DCMAKE_BUILD_TYPE=Release -DHOOKSIG_CONSUME="$mode" \
        -DHOOKSIG_SOURCE="$PWD" -DCMAKE_PREFIX_PATH="$prefix${botan_prefix:+;$botan_prefix}" \
        -DHOOKSIG_BOTAN="$major" >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
      cmake --build "$dir" -j2 >>"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
      "$dir/consumer" >/dev/null && "$dir/consumer_strict"
      [ "$mode" = package ] && "$dir/consumer_redis" >/dev/null
      count=$((count + 1))
    done
    # pkg-config: the flags a Makefile user gets (no -std: the consumer chooses it).
    pcpath="$prefix/share/pkgconfig${botan_prefix:+:$botan_prefix/lib/pkgconfig}"
    PKG_CONFIG_PATH="$pcpath" pkg-config --exists --print-errors hooksig
    ! PKG_CONFIG_PATH="$pcpath" pkg-config --cflags hooksig | grep -q -- '-std=' || { echo "hooksig.pc sets -std"; exit 1; }
    # shellcheck disable=SC2046
    flag=c++$std; [ "$std" = 23 ] && flag=c++2b # what g++ 12 and clang++ 14 call C++23
    "$cxx" -std="$flag" "${strict[@]}" tests/consumer/strict.cpp -o "$prefix/consumer-pc" \
      $(PKG_CONFIG_PATH="$pcpath" pkg-config --cflags --libs hooksig | sed 's/-I\([^ ]*botan[^ ]*\)/-isystem \1/g')
    "$prefix/consumer-pc"
    count=$((count + 1))
  done
  c=$((c + 1))
done
echo "install + consumer: $count strict consumer builds (Botan $major; ${routes[*]}, pkg-config) ok in $(( $(date +%s) - start )) s"
