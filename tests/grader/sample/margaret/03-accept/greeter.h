/* shared declarations */
int greet(int fd);
