// AblasimSweep
