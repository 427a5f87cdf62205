// `@tinylm/convert2hf/internals`: the building blocks the converters are made of, for tools that
// need them directly (a restricted PyTorch unpickler and a protocol-2 pickle writer, torch.save zip files, a zip reader and writer). Not
// the package's API: these may change in any minor version. Convert with the root entry.

export {
  type Buildable,
  type GlobalHandler,
  type HandlerContext,
  type PickleValue,
  PyDict,
  PyGlobal,
  PySet,
  PyTuple,
  type UnpickleOptions,
  unpickle,
} from './pickle';
export {
  type LoadTorchFileOptions,
  loadTorchFile,
  stateDictOf,
  TORCH_GLOBALS,
  TORCH_STORAGE_DTYPES,
  type TorchFile,
  TorchStorage,
  TorchTensor,
  toPlain,
} from './torch-checkpoint';
export { crc32, openZip, ZipArchive, type ZipEntry } from './zip-reader';
export { type PickleWritable, PyFloat, PyGlobalRef, PyPersistentId, PyReduce, pickleValue } from './pickle-writer';
export { encodeZip, ZipFileWriter, type ZipWriterOptions } from './zip-writer';
