// placeholder: the CLI is built in cli/ (issue 2)
int main() { return 0; }
