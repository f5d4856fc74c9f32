"""float16 packs store their weights as float16: each float32 initializer becomes a float16 one followed by a
Cast back to float32 inside the graph, so ONNX Runtime's CPU kernels (mostly float32-only) still run it and the
graph's inputs and outputs keep their float32 contract. The file halves; values round to float16 once."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_ELEMENTS = 16  # scalars and tiny shape constants stay float32: nothing to save, and they feed shape arithmetic


def store_weights_as_float16(path):
    model = onnx.load(str(path))
    graph = model.graph
    casts, kept = [], []
    for initializer in graph.initializer:
        values = numpy_helper.to_array(initializer)
        if initializer.data_type != TensorProto.FLOAT or values.size < MIN_ELEMENTS:
            kept.append(initializer)
            continue
        half_name = initializer.name + "__float16"
        kept.append(numpy_helper.from_array(values.astype(np.float16), half_name))
        casts.append(helper.make_node("Cast", [half_name], [initializer.name], to=TensorProto.FLOAT,
                                      name=initializer.name + "__to_float32"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return len(casts)
