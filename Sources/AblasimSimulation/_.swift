// AblasimSimulation
