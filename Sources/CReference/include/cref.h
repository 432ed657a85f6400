int cref_dummy(void);
