// AnalyticSolutions
