/// Sentence embeddings in Swift: a WordPiece tokenizer and the MiniLM encoder's forward pass on BLAS,
/// reading the weights a Hugging Face model ships. Knows nothing about movies.
public enum TextEmbedding {}
