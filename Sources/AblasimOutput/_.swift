// AblasimOutput
