enum CodecsPlaceholder {}
