/* hostile: includes the reference solution at compile time, from wherever
 * it may lie relative to this file or at absolute paths.  In the grader's
 * sandbox none exists, so this does not compile. */
#if __has_include("../../../../../solutions/01-socket/sockinfo.c")
#include "../../../../../solutions/01-socket/sockinfo.c"
#elif __has_include("../../../../solutions/01-socket/sockinfo.c")
#include "../../../../solutions/01-socket/sockinfo.c"
#elif __has_include("../../../../../../solutions/01-socket/sockinfo.c")
#include "../../../../../../solutions/01-socket/sockinfo.c"
#elif __has_include("../../../solutions/01-socket/sockinfo.c")
#include "../../../solutions/01-socket/sockinfo.c"
#elif __has_include("../../solutions/01-socket/sockinfo.c")
#include "../../solutions/01-socket/sockinfo.c"
#elif __has_include("/work/main/solutions/01-socket/sockinfo.c")
#include "/work/main/solutions/01-socket/sockinfo.c"
#else
#error "the reference solution is nowhere to be found"
#endif
