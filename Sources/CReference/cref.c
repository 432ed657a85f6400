int cref_dummy(void){return 0;}
