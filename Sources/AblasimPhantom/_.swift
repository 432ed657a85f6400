// AblasimPhantom
