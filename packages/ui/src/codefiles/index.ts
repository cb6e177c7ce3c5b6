export { CodeToFileDialog, type CodeFilePreview, type CodeFileSource } from './CodeToFileDialog';
