/* hostile: includes /etc/passwd and /etc/shadow, so the compiler's error
 * messages would show their lines in the feedback. */
#include "/etc/passwd"
#include "/etc/shadow"
int main(void) { return 0; }
