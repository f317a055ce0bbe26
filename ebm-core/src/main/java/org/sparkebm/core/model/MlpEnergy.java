package org.sparkebm.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * A fully connected energy on DL4J layers: Dense(hidden_1) act … Dense(hidden_m) act, Dense(1) identity.
 *
 * <p>The last layer is a plain {@link DenseLayer} (no output layer, no loss): backpropagating an epsilon
 * {@code ε_i = c_i} from the output gives both Σ c_i ∂θE(x_i) and the input gradient in one pass. One
 * {@link MultiLayerNetwork} per instance; DL4J networks are not thread-safe.
 */
public final class MlpEnergy implements EnergyModel {
    private final int[] sampleShape;
    private final int[] hidden;
    private final Activation activation;
    private final DataType type;
    private final int outputs;
    private final MultiLayerNetwork net;

    public MlpEnergy(int[] sampleShape, int[] hidden, Activation activation, DataType type) {
        this(sampleShape, hidden, activation, type, 1);
    }

    /**
     * The same trunk with {@code outputs} linear outputs (the hybrid models' logits and energy head); only the
     * single-output network is an energy by itself.
     */
    MlpEnergy(int[] sampleShape, int[] hidden, Activation activation, DataType type, int outputs) {
        this.outputs = outputs;
        this.sampleShape = sampleShape.clone();
        this.hidden = hidden.clone();
        this.activation = activation;
        this.type = type;
        int in = inputDim();
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(type).updater(new NoOp()).seed(0).list();
        int prev = in;
        long n = 0;
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer width must be >= 1, got " + h);
            }
            b.layer(new DenseLayer.Builder().nIn(prev).nOut(h).activation(activation.dl4j()).build());
            n += (long) prev * h + h;
            prev = h;
        }
        b.layer(new DenseLayer.Builder().nIn(prev).nOut(outputs)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build());
        MultiLayerConfiguration conf = b.build();
        n += (long) prev * outputs + outputs;
        net = new MultiLayerNetwork(conf);
        // zero parameters, given: DL4J's own random initialisation is skipped (θ is always set or initialised after,
        // and drawing a million weights costs a device ~25 ms a round at d = 10^6)
        net.init(Nd4j.create(type, 1, n), false);
    }

    /** Fills θ with the seeded fan-in uniform initialisation. */
    public MlpEnergy initialise(SplittableRandom rng) {
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            int layer = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('_')));
            long fanIn = layer == 0 ? inputDim() : hidden[layer - 1];
            ParamInit.uniformFanIn(e.getValue(), fanIn, rng);
        }
        return this;
    }

    /** Sets the output layer's weights and bias to zero (f ≡ 0). */
    public MlpEnergy zeroOutputLayer() {
        int last = hidden.length;
        net.paramTable().forEach((k, v) -> {
            if (k.startsWith(last + "_")) {
                v.assign(0);
            }
        });
        return this;
    }

    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public long numParams() {
        return net.numParams();
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public INDArray params() {
        return net.params().dup();
    }

    @Override
    public void setParams(INDArray flat) {
        if (flat.length() != net.numParams()) {
            throw new IllegalArgumentException("θ has length " + flat.length() + ", expected " + net.numParams());
        }
        net.params().assign(flat.reshape(net.params().shape()));
    }

    private INDArray forward(INDArray x) {
        net.setInput(x);
        List<INDArray> acts = net.feedForward(true, false);
        return acts.get(acts.size() - 1).reshape(-1).dup();
    }

    @Override
    public INDArray energy(INDArray x) {
        INDArray out = net.output(x, false);
        return out.reshape(-1).dup();
    }

    @Override
    public INDArray energyAndInputGradient(INDArray x, INDArray gradient) {
        INDArray e = forward(x);
        INDArray eps = Nd4j.ones(type, x.size(0), 1);
        Pair<Gradient, INDArray> p = net.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces());
        gradient.assign(p.getSecond());
        return e;
    }

    @Override
    public ParamGradient paramGradient(INDArray x, UnaryOperator<INDArray> coeffs) {
        INDArray e = forward(x);
        INDArray eps = coeffs.apply(e).reshape(-1, 1).castTo(type);
        net.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces());
        return new ParamGradient(e, net.getFlattenedGradients().dup().reshape(-1));
    }

    /** The network's outputs {@code [n, outputs]} (new array), keeping the activations for {@link #backprop}. */
    INDArray outputs(INDArray x) {
        net.setInput(x);
        List<INDArray> acts = net.feedForward(true, false);
        return acts.get(acts.size() - 1).dup();
    }

    /**
     * Backpropagates {@code eps} = ∂L/∂outputs ({@code [n, outputs]}, read) through the activations of the last
     * {@link #outputs} call.
     *
     * @return {input gradient ∂L/∂x [n, inputDim], flat parameter gradient ∂L/∂θ}, both new arrays
     */
    INDArray[] backprop(INDArray eps) {
        Pair<Gradient, INDArray> p = net.backpropGradient(eps.castTo(type), LayerWorkspaceMgr.noWorkspaces());
        return new INDArray[] {p.getSecond().dup(), net.getFlattenedGradients().dup().reshape(-1)};
    }

    Activation activation() {
        return activation;
    }

    @Override
    public MlpEnergy copy() {
        MlpEnergy m = new MlpEnergy(sampleShape, hidden, activation, type, outputs);
        m.setParams(net.params());
        return m;
    }

    @Override
    public String toString() {
        return "MlpEnergy" + Arrays.toString(hidden) + " " + activation;
    }
}
