/// The application layer: configuration, the artefact store, the model kinds, id resolution and the
/// operations every front end (CLI, server, Swift programs) offers.
public enum WorkspaceNamespace {}
