// `JSONValue` lives in JSONCore so that the schema validator can use it too; every user of
// PromptCards keeps seeing it through `import PromptCards`.
@_exported import JSONCore
