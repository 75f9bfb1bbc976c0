#include <hooksig/hooksig.hpp>

int second_unit_main();

int main() { return second_unit_main() == 0 && hooksig::mac_size == 32 ? 0 : 1; }
