// VectorSearch: EmbeddingStore, Metric, FlatIndex, HNSWIndex (stands alone; knows nothing about movies).
