/* hostile: never answers.  Bounded: gives up after 2 minutes. */
#include <unistd.h>
int main(void)
{
    for (int i = 0; i < 120; i++)
        sleep(1);
    return 0;
}
